import Foundation
import Testing
import TestSupport
@testable import Storage

/// A sealed file (its name fixes its text) that the snapshot before holds is linked, not written again: a checkpoint
/// costs what changed.
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
                                         sequence: 1, into: folder, fileSystem: PosixFileSystem())
        #expect(written == Self.big.count + 1)
        return folder
    }

    @Test func aSealedFileOfTheSnapshotBeforeIsLinkedAndTheRestWritten() throws {
        let folder = try firstSnapshot()
        // Another text under the sealed name: were it written, the snapshot would hold it.
        let written = try Snapshot.write(["ledger-1.json": .sealed(.data(Data("other".utf8))), "small.json": .data(Data("b".utf8)),
                                          "ledger-2.json": .sealed(.data(Data("new".utf8)))],
                                         sequence: 2, into: folder, fileSystem: PosixFileSystem(), reusing: 1)
        #expect(written == 1 + 3)
        let one = folder + "/" + Snapshot.name(1), two = folder + "/" + Snapshot.name(2)
        #expect(try inode(one + "/ledger-1.json") == inode(two + "/ledger-1.json"))
        #expect(try inode(one + "/small.json") != inode(two + "/small.json"))

        // The checkpoint's removal of the snapshot before leaves the linked file in place, its checksum checked.
        try PosixFileSystem().remove(one)
        let latest = try #require(try Snapshot.latest(in: folder, fileSystem: PosixFileSystem()))
        #expect(latest.sequence == 2 && latest.written == 4)
        #expect(latest.files == ["ledger-1.json": Self.big, "small.json": Data("b".utf8), "ledger-2.json": Data("new".utf8)])
    }

    @Test func aLinkedFileDamagedSinceFailsTheLoad() throws {
        let folder = try firstSnapshot()
        try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big))], sequence: 2, into: folder, fileSystem: PosixFileSystem(), reusing: 1)
        let path = folder + "/" + Snapshot.name(2) + "/ledger-1.json"
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: 100)
        handle.write(Data("X".utf8))
        try handle.close()
        #expect(throws: StoreError.self) { try Snapshot.latest(in: folder, fileSystem: PosixFileSystem()) }
    }

    @Test func withTheManifestBeforeDamagedEveryFileIsWritten() throws {
        let folder = try firstSnapshot()
        try Data("{}".utf8).write(to: URL(fileURLWithPath: folder + "/" + Snapshot.name(1) + "/manifest.json"))
        let written = try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big))], sequence: 2, into: folder,
                                         fileSystem: PosixFileSystem(), reusing: 1)
        #expect(written == Self.big.count)
        #expect(try inode(folder + "/" + Snapshot.name(1) + "/ledger-1.json") != inode(folder + "/" + Snapshot.name(2) + "/ledger-1.json"))
    }

    /// The link is a directory entry like any other: a power cut after the checkpoint keeps it, one before loses the
    /// new snapshot whole.
    @Test func aLinkedFileSurvivesPowerLossOnceTheCheckpointIsDone() throws {
        let fs = SimulatedFileSystem()
        let folder = "/data"
        try fs.makeDirectory(folder)
        try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big))], sequence: 1, into: folder, fileSystem: fs)
        try Snapshot.write(["ledger-1.json": .sealed(.data(Self.big)), "small.json": .data(Data("b".utf8))], sequence: 2,
                           into: folder, fileSystem: fs, reusing: 1)
        try fs.remove(folder + "/" + Snapshot.name(1))
        try fs.syncDirectory(folder)
        fs.losePower()
        let latest = try #require(try Snapshot.latest(in: folder, fileSystem: fs))
        #expect(latest.sequence == 2 && latest.files["ledger-1.json"] == Self.big)
    }
}
