import Foundation
import Testing
import TestSupport
@testable import Storage

/// CHECKLISTS.md, Storage 5–6: a crash or a power cut at every step of a checkpoint recovers exactly the
/// acknowledged state, with nothing applied twice and no stray temporary files.
@Suite struct CheckpointCrashTests {
    static let steps = ["snapshot.created-temp", "snapshot.files-written", "snapshot.manifest-written", "snapshot.renamed", "snapshot.folder-synced",
                        // Step 4, removing what the new snapshot covers: before the first removal and after one.
                        "checkpoint.removing", "checkpoint.removed-some"]
    /// Reached only when the snapshot before holds a sealed file the new one links (the checkpoint after a first).
    static let linkSteps = ["snapshot.linking", "snapshot.linked"]

    struct Crash: Error {}

    final class Armed: @unchecked Sendable {
        var value = false
    }

    func expected(_ count: Int) -> String { (0..<count).map { "\($0)," }.joined() }

    /// Appends `index,` to the key "log" for each index, one acknowledged write each.
    func appendToLog(_ store: ToyStore, _ indices: Range<Int>) async throws {
        for index in indices { try await store.commit { _ in .write(.append(key: "log", suffix: "\(index),"), ()) } }
    }

    @Test(arguments: steps)
    func crashAtACheckpointStep(step: String) async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        var options = ToyStore.toyOptions
        options.failpoint = { if $0 == step { throw Crash() } }
        let store = try ToyStore.openToy(folder, options: options)
        try await appendToLog(store, 0..<20)
        #expect(throws: Crash.self) { try store.checkpoint() }
        store.abandon()
        let reopened = try ToyStore.openToy(folder)
        #expect(reopened.values["log"] == expected(20))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!names.contains { $0.hasSuffix(".tmp") })
        try await reopened.commit { _ in .write(.append(key: "log", suffix: "20,"), ()) }
        try reopened.close()
        #expect(try ToyStore.openToy(folder).values["log"] == expected(21))
    }

    /// A checkpoint that links the sealed file of the snapshot before (read back first: the first checkpoint after
    /// opening reads back what it links), crashed before the link and after it.
    @Test(arguments: linkSteps)
    func crashWhileLinking(step: String) async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let armed = Armed()
        var options = ToyStore.toyOptions
        options.failpoint = { if armed.value && $0 == step { throw Crash() } }
        let store = try ToyStore.openToy(folder, options: options)
        try await appendToLog(store, 0..<10)
        try store.checkpoint() // writes the sealed archive file (no archive yet: the same name in the next snapshot)
        try await appendToLog(store, 10..<20)
        armed.value = true
        #expect(throws: Crash.self) { try store.checkpoint() }
        store.abandon()
        let reopened = try ToyStore.openToy(folder)
        #expect(reopened.values["log"] == expected(20))
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: folder.path)).contains { $0.hasSuffix(".tmp") })
        try await reopened.commit { _ in .write(.append(key: "log", suffix: "20,"), ()) }
        try reopened.close()
        #expect(try ToyStore.openToy(folder).values["log"] == expected(21))
    }

    /// A crash between the snapshot and the removal of the segments it covers leaves such a segment behind. Damage
    /// in it loses nothing: the folder opens (and verifies) with a note, where refusing it would have sent the
    /// operator down the repair path, whose truncation would cut the live segment's acknowledged records.
    @Test func damageInASegmentTheSnapshotCoversDoesNotStopTheStart() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        var options = ToyStore.toyOptions
        options.failpoint = { if $0 == "checkpoint.removing" { throw Crash() } }
        let store = try ToyStore.openToy(folder, options: options)
        try await appendToLog(store, 0..<10)
        #expect(throws: Crash.self) { try store.checkpoint() }
        store.abandon()
        let covered = try #require(try walFiles(folder).first)
        #expect(try walFiles(folder).count == 2)
        var bytes = try Data(contentsOf: covered)
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: covered)
        let report = ToyStore.verify(folder: folder)
        #expect(report.isSound && report.description.contains("a segment the snapshot covers"), "\(report)")
        let reopened = try ToyStore.openToy(folder)
        #expect(reopened.values["log"] == expected(10))
        // Nothing was written since the snapshot: the checkpoint has nothing to write, and still removes the segment.
        try reopened.checkpoint()
        #expect(!FileManager.default.fileExists(atPath: covered.path))
        try await appendToLog(reopened, 10..<15)
        try reopened.close()
        #expect(try ToyStore.openToy(folder).values["log"] == expected(15))
    }

    @Test(arguments: steps + linkSteps)
    func powerLossAtACheckpointStep(step: String) async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let disk = SimulatedFileSystem()
        let armed = Armed()
        var options = ToyStore.toyOptions
        options.failpoint = { if armed.value && $0 == step { throw Crash() } }
        let store = try ToyStore.openToy(folder, fileSystem: disk, options: options)
        try await appendToLog(store, 0..<10)
        try store.checkpoint() // a first, complete checkpoint
        try await appendToLog(store, 10..<20)
        armed.value = true
        #expect(throws: Crash.self) { try store.checkpoint() }
        store.abandon()
        disk.losePower()
        let reopened = try ToyStore.openToy(folder, fileSystem: disk)
        #expect(reopened.values["log"] == expected(20))
        reopened.abandon()
    }

    @Test func powerLossBeforeTheFirstCheckpointKeepsWhatANewFolderAcknowledged() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let disk = SimulatedFileSystem()
        let store = try ToyStore.openToy(folder, fileSystem: disk)
        try await appendToLog(store, 0..<3)
        store.abandon()
        // The WAL folder's own entry in the new data folder must have been made durable, not only the segment.
        disk.losePower()
        let reopened = try ToyStore.openToy(folder, fileSystem: disk)
        #expect(reopened.values["log"] == expected(3))
        reopened.abandon()
    }

    @Test func powerLossKeepsANewDataFolderItself() async throws {
        let root = try RepositoryPaths.makeTemporaryFolder("store")
        let disk = SimulatedFileSystem()
        try disk.makeDirectory(root.path)
        try disk.syncDirectory(root.deletingLastPathComponent().path)
        let folder = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) // for the real LOCK file
        let store = try ToyStore.openToy(folder, fileSystem: disk)
        try await store.put("k", "v")
        store.abandon()
        // The data folder's entry in its parent must be durable too, or the folder goes with everything in it.
        disk.losePower()
        let reopened = try ToyStore.openToy(folder, fileSystem: disk)
        #expect(reopened.values["k"] == "v")
        reopened.abandon()
    }

    @Test func powerLossRightAfterAcknowledgementKeepsEverything() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let disk = SimulatedFileSystem()
        var options = ToyStore.toyOptions
        options.checkpointEveryRecords = 7
        let store = try ToyStore.openToy(folder, fileSystem: disk, options: options)
        try await appendToLog(store, 0..<30)
        store.abandon()
        disk.losePower()
        let reopened = try ToyStore.openToy(folder, fileSystem: disk)
        #expect(reopened.values["log"] == expected(30))
        reopened.abandon()
    }

    /// A process killed inside a segment roll leaves the new segment with an entry that was never synced. The next
    /// start appends to it: its entry must be made durable before anything acknowledged goes there.
    @Test func aSegmentLeftByAKilledRollHasItsEntrySyncedBeforeItTakesAcknowledgedRecords() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let disk = SimulatedFileSystem()
        let store = try ToyStore.openToy(folder, fileSystem: disk)
        for index in 0..<3 { try await store.put("k\(index)", "v") }
        store.abandon()
        // The roll's first step, and nothing after it: the segment exists, its folder was not synced.
        _ = try disk.openForAppend(folder.path + "/wal/" + String(format: "%020llu.wal", 4))
        let reopened = try ToyStore.openToy(folder, fileSystem: disk)
        try await reopened.put("acked", "v")
        reopened.abandon()
        disk.losePower()
        #expect(try ToyStore.openToy(folder, fileSystem: disk).values["acked"] == "v")
    }
}
