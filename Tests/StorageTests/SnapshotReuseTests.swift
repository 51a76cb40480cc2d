import Foundation
import Testing
import TestSupport
@testable import Storage

/// A sealed file (its name fixes its text) that the snapshot before holds is linked, not written again: a checkpoint
/// costs what changed. Linked files are read back a share at a time, and one the disk damaged is written anew.
@Suite struct SnapshotReuseTests {
    static let big = Data(String(repeating: "报", count: 20_000).utf8) // 60 KB

    func inode(_ path: String) throws -> UInt64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileSystemError(call: "stat", path: path, errno: errno) }
        return UInt64(info.st_ino)
    }

    /// Snapshot 1 with a large sealed file and a small plain one.
    func firstSnapshot() throws -> String {
        let folder = try RepositoryPaths.makeTemporaryFolder("snapshot").path
        let written = try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big)), "small.json": .data(Data("a".utf8))],
                                         sequence: 1, into: folder, fileSystem: PosixFileSystem(), linking: true)
        #expect(written == SnapshotWriteOutcome(bytes: Self.big.count + 1, unsealedBytes: 1))
        return folder
    }

    func path(_ folder: String, _ sequence: UInt64, _ file: String) -> String { folder + "/" + Snapshot.name(sequence) + "/" + file }

    @Test func aSealedFileOfTheSnapshotBeforeIsLinkedAndTheRestWritten() throws {
        let folder = try firstSnapshot()
        // Another text under the sealed name: were it written, the snapshot would hold it.
        let written = try Snapshot.write(["ledger-1.json": .sealed(.data(Data("other".utf8))), "small.json": .data(Data("b".utf8)),
                                          "ledger-2.json": .sealed(.data(Data("new".utf8)))],
                                         sequence: 2, into: folder, fileSystem: PosixFileSystem(), linking: true)
        #expect(written == SnapshotWriteOutcome(bytes: 1 + 3, unsealedBytes: 1, linkedFrom: 1, linked: 1, checkedBytes: Self.big.count,
                                           checkedThrough: "ledger-1.json"))
        #expect(try inode(path(folder, 1, "ledger-1.json")) == inode(path(folder, 2, "ledger-1.json")))
        #expect(try inode(path(folder, 1, "small.json")) != inode(path(folder, 2, "small.json")))

        // The checkpoint's removal of the snapshot before leaves the linked file in place, its checksum checked.
        try PosixFileSystem().remove(folder + "/" + Snapshot.name(1))
        let latest = try #require(try Snapshot.latest(in: folder, fileSystem: PosixFileSystem()))
        #expect(latest.sequence == 2 && latest.unsealedBytes == 1)
        #expect(latest.files == ["ledger-1.json": Self.big, "small.json": Data("b".utf8), "ledger-2.json": Data("new".utf8)])
    }

    /// Linked from the newest snapshot on disk, whichever the caller last knew of.
    @Test func theNewestSnapshotIsTheOneLinkedFrom() throws {
        let folder = try firstSnapshot()
        try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big))], sequence: 5, into: folder, fileSystem: PosixFileSystem(), linking: true)
        let written = try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big))], sequence: 9, into: folder,
                                         fileSystem: PosixFileSystem(), linking: true)
        #expect(written.linkedFrom == 5 && written.linked == 1 && written.bytes == 0)
        // A backup (no linking) writes every file.
        let copy = try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big))], sequence: 10, into: folder, fileSystem: PosixFileSystem())
        #expect(copy.linked == 0 && copy.bytes == Self.big.count)
    }

    @Test func aFileTheDiskDamagedBeforeItIsLinkedIsWrittenAnewFromTheState() throws {
        let folder = try firstSnapshot()
        let damagedPath = path(folder, 1, "ledger-1.json")
        let handle = try #require(FileHandle(forWritingAtPath: damagedPath))
        try handle.seek(toOffset: 100)
        handle.write(Data("X".utf8))
        try handle.close()
        let written = try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big))], sequence: 2, into: folder,
                                         fileSystem: PosixFileSystem(), linking: true)
        #expect(written.damaged == ["ledger-1.json": "its checksum differs"] && written.linked == 0 && written.bytes == Self.big.count)
        #expect(try inode(damagedPath) != inode(path(folder, 2, "ledger-1.json")))
        #expect(try Snapshot.latest(in: folder, fileSystem: PosixFileSystem())?.files["ledger-1.json"] == Self.big)
    }

    @Test func aFileThatCannotBeReadBackIsWrittenAnewSayingWhy() throws {
        let folder = try firstSnapshot()
        try PosixFileSystem().remove(path(folder, 1, "ledger-1.json"))
        let written = try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big))], sequence: 2, into: folder,
                                         fileSystem: PosixFileSystem(), linking: true)
        #expect(written.damaged["ledger-1.json"]?.contains("No such file") == true, "\(written.damaged)")
        #expect(try Snapshot.latest(in: folder, fileSystem: PosixFileSystem())?.files["ledger-1.json"] == Self.big)
    }

    @Test func aLinkedFileDamagedAfterwardsFailsTheLoad() throws {
        let folder = try firstSnapshot()
        try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big))], sequence: 2, into: folder, fileSystem: PosixFileSystem(), linking: true)
        let handle = try #require(FileHandle(forWritingAtPath: path(folder, 2, "ledger-1.json")))
        try handle.seek(toOffset: 100)
        handle.write(Data("X".utf8))
        try handle.close()
        #expect(throws: StoreError.self) { try Snapshot.latest(in: folder, fileSystem: PosixFileSystem()) }
    }

    /// Each checkpoint reads back a quarter of the bytes it writes (at least the minimum), taking up where the last left off.
    @Test func linkedFilesAreReadBackInTurn() throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("snapshot").path
        let files: [String: SnapshotFile] = ["a.json": .sealed(.data(Self.big)), "b.json": .sealed(.data(Self.big)),
                                             "c.json": .sealed(.data(Self.big))]
        var checked: String?
        var order: [String?] = []
        for sequence in UInt64(1)...5 {
            let written = try Snapshot.write(files, sequence: sequence, into: folder, fileSystem: PosixFileSystem(), linking: true,
                                             checkedThrough: checked, minimumCheck: 1)
            checked = written.checkedThrough ?? checked
            order.append(written.checkedThrough)
        }
        #expect(order == [nil, "a.json", "b.json", "c.json", "a.json"])
        // The cursor is kept in the manifest, for the first checkpoint after a restart.
        #expect(try Snapshot.latest(in: folder, fileSystem: PosixFileSystem())?.checkedThrough == "a.json")
    }

    /// A checkpoint that writes more reads back more: a quarter of the bytes it writes.
    @Test func theBytesReadBackGrowWithTheBytesWritten() throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("snapshot").path
        var files: [String: SnapshotFile] = ["a.json": .sealed(.data(Self.big)), "b.json": .sealed(.data(Self.big)),
                                             "c.json": .sealed(.data(Self.big))]
        try Snapshot.write(files, sequence: 1, into: folder, fileSystem: PosixFileSystem(), linking: true, minimumCheck: 1)
        // A quarter of it is one byte more than a file: two are read back.
        files["values.json"] = .data(Self.big + Self.big + Self.big + Self.big + Data("!!!!".utf8))
        let written = try Snapshot.write(files, sequence: 2, into: folder, fileSystem: PosixFileSystem(), linking: true, minimumCheck: 1)
        #expect(written.checkedBytes == 2 * Self.big.count && written.checkedThrough == "b.json" && written.linked == 3)
    }

    /// `unsealedBytes` is outside the manifest's checksum: a damaged figure is taken as at most every file's size.
    @Test func anUnsealedFigureLargerThanTheSnapshotIsCapped() throws {
        let folder = try firstSnapshot()
        let manifestPath = path(folder, 1, "manifest.json")
        var manifest = try JSONDecoder().decode(SnapshotManifest.self, from: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        manifest.unsealedBytes = 1 << 50
        try JSONEncoder().encode(manifest).write(to: URL(fileURLWithPath: manifestPath))
        #expect(try Snapshot.latest(in: folder, fileSystem: PosixFileSystem())?.unsealedBytes == Self.big.count + 1)
    }

    @Test func withTheManifestBeforeDamagedEveryFileIsWritten() throws {
        let folder = try firstSnapshot()
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path(folder, 1, "manifest.json")))
        let written = try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big))], sequence: 2, into: folder,
                                         fileSystem: PosixFileSystem(), linking: true)
        #expect(written.bytes == Self.big.count && written.linkedFrom == nil)
        #expect(try inode(path(folder, 1, "ledger-1.json")) != inode(path(folder, 2, "ledger-1.json")))
    }

    /// The link is a directory entry like any other: synced with the new snapshot's folder, it survives a power cut.
    @Test func aLinkedFileSurvivesPowerLossOnceTheCheckpointIsDone() throws {
        let fs = SimulatedFileSystem()
        let folder = "/data"
        try fs.makeDirectory(folder)
        try fs.syncDirectory("/")
        try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big))], sequence: 1, into: folder, fileSystem: fs, linking: true)
        // Another text under the sealed name: only the linked file holds the big one.
        let written = try Snapshot.write(["ledger-1.json": .sealed(.data(Data("other".utf8))), "small.json": .data(Data("b".utf8))],
                                         sequence: 2, into: folder, fileSystem: fs, linking: true)
        #expect(written.linked == 1)
        try fs.remove(folder + "/" + Snapshot.name(1))
        try fs.syncDirectory(folder)
        fs.losePower()
        let latest = try #require(try Snapshot.latest(in: folder, fileSystem: fs))
        #expect(latest.sequence == 2 && latest.files["ledger-1.json"] == Self.big)
    }

    /// Without hard links every file is written, and the outcome says why (the store warns: every checkpoint then
    /// writes the whole state again).
    @Test func whereLinksFailTheFileIsWritten() throws {
        let fs = SimulatedFileSystem()
        try fs.makeDirectory("/data")
        try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big))], sequence: 1, into: "/data", fileSystem: fs, linking: true)
        fs.linksFail = true
        let written = try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big))], sequence: 2, into: "/data", fileSystem: fs, linking: true)
        #expect(written.linked == 0 && written.bytes == Self.big.count)
        #expect(written.notLinked["ledger-1.json"]?.contains("link") == true, "\(written.notLinked)")
        #expect(try Snapshot.latest(in: "/data", fileSystem: fs)?.files["ledger-1.json"] == Self.big)
    }
}
