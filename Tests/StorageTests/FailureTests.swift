import Foundation
import Testing
import TestSupport
@testable import Storage

/// CHECKLISTS.md, Storage 7–8: a full disk or a failed fsync fails the batch, refuses every later write until
/// restart, keeps reads working, and never shows what was not made durable.
@Suite struct FailureTests {
    /// Ten values written, then a write refused by a full disk (30 bytes left past the zeros the segment reserves: a
    /// torn record).
    static func storeWhoseDiskFilledUp() async throws -> (URL, SimulatedFileSystem, ToyStore) {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let disk = SimulatedFileSystem()
        let store = try ToyStore.openToy(folder, fileSystem: disk)
        for index in 0..<10 { try await store.put("k\(index)", "v\(index)") }
        disk.spaceLeft = 30
        let big = String(repeating: "x", count: ToyStore.toyOptions.segmentReserveBytes + 100)
        await #expect(throws: StorageUnavailable.self) { try await store.put("big", big) }
        return (folder, disk, store)
    }

    @Test func diskFullRefusesWritesKeepsReadsAndLosesNothingAcknowledged() async throws {
        let (folder, disk, store) = try await Self.storeWhoseDiskFilledUp()
        #expect(store.health != .writable)
        #expect(store.values["big"] == nil)
        #expect(store.values.count == 10)
        disk.spaceLeft = nil
        await #expect(throws: StorageUnavailable.self) { try await store.put("later", "refused") }
        store.abandon()
        disk.losePower()
        let reopened = try ToyStore.openToy(folder, fileSystem: disk)
        #expect(reopened.values.count == 10)
        #expect(reopened.values["big"] == nil)
        try await reopened.put("after", "restart")
        #expect(reopened.values["after"] == "restart")
        reopened.abandon()
    }

    /// Stop, free space, start: the natural sequence after a full disk. A checkpoint asked for meanwhile (shutdown
    /// asks for one) used to roll to a new segment behind the torn record, which recovery then called corruption.
    @Test func afterADiskFullStopTheServerStartsAgainWithEverythingAcknowledged() async throws {
        let (folder, disk, store) = try await Self.storeWhoseDiskFilledUp()
        #expect(throws: StorageUnavailable.self) { try store.checkpoint() }
        #expect(throws: StorageUnavailable.self) { try store.close() }
        disk.spaceLeft = nil
        let reopened = try ToyStore.openToy(folder, fileSystem: disk)
        #expect(reopened.values.count == 10)
        #expect(reopened.values["big"] == nil)
        try await reopened.put("after", "restart")
        reopened.abandon()
        #expect(try ToyStore.openToy(folder, fileSystem: disk).values["after"] == "restart")
    }

    /// A checkpoint or a backup that the disk refuses leaves nothing half-written behind to take the room the WAL
    /// needs, or to pass for a backup.
    @Test func aCheckpointOrBackupThatRunsOutOfRoomLeavesNothingBehind() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let disk = SimulatedFileSystem()
        let store = try ToyStore.openToy(folder, fileSystem: disk)
        for index in 0..<10 { try await store.put("k\(index)", String(repeating: "v", count: 100)) }
        disk.spaceLeft = 200
        #expect(throws: FileSystemError.self) { try store.checkpoint() }
        let names = try disk.list(folder.path)
        #expect(names.allSatisfy { !$0.hasSuffix(".tmp") }, "\(names)")
        let target = folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + "-backup")
        #expect(throws: FileSystemError.self) { try store.backup(to: target) }
        #expect(!disk.exists(target.path), "the folder the failed backup made goes with what it wrote")
        try disk.makeDirectory(target.path)
        #expect(throws: FileSystemError.self) { try store.backup(to: target) }
        #expect(try disk.list(target.path).isEmpty, "a folder given empty is left empty")
        disk.spaceLeft = nil
        try await store.put("after", "room again")
        try store.backup(to: target)
        #expect(ToyStore.verify(folder: target, fileSystem: disk).isSound)
        store.abandon()
    }

    @Test func aFailedFsyncFailsTheBatchAndEveryLaterWriteUntilRestart() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let disk = SimulatedFileSystem()
        let store = try ToyStore.openToy(folder, fileSystem: disk)
        try await store.put("before", "ok")
        disk.failSyncAfter = 0
        await #expect(throws: StorageUnavailable.self) { try await store.put("lost", "?") }
        disk.failSyncAfter = nil
        // Never a retry that reports success: the store stays read-only.
        await #expect(throws: StorageUnavailable.self) { try await store.put("later", "?") }
        guard case .readOnly(let reason) = store.health else { Issue.record("not read-only"); return }
        #expect(reason.contains("EIO") || reason.contains("errno 5"))
        #expect(!reason.contains(folder.path), "the reason shown to clients names no server path: \(reason)")
        #expect(store.values["lost"] == nil)
        #expect(store.values["before"] == "ok")
        store.abandon()
        disk.losePower()
        let reopened = try ToyStore.openToy(folder, fileSystem: disk)
        #expect(reopened.values["before"] == "ok")
        #expect(reopened.values["later"] == nil)
        reopened.abandon()
    }

    @Test func groupCommitSharesSyncsAmongConcurrentWriters() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let disk = SimulatedFileSystem()
        let store = try ToyStore.openToy(folder, fileSystem: disk)
        let before = disk.syncCount
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<64 {
                group.addTask { for index in 0..<20 { try await store.put("w\(writer)-\(index)", "v") } }
            }
            try await group.waitForAll()
        }
        #expect(store.values.count == 1280)
        #expect(disk.syncCount - before < 1280)
        store.abandon()
    }

    @Test func validationErrorsWriteNothingAndNoWriteAnswersWithoutALogRecord() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let disk = SimulatedFileSystem()
        let store = try ToyStore.openToy(folder, fileSystem: disk)
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await store.commit { _ -> CommitDecision<ToyState.Change, Void> in throw Refused() } }
        let syncs = disk.syncCount
        let answer = try await store.commit { _ in CommitDecision<ToyState.Change, String>.noWrite("same") }
        #expect(answer == "same")
        #expect(disk.syncCount == syncs)
        store.abandon()
    }

    /// A state that bounds a change's record too low has it encoded by the sync thread, already applied: a record too
    /// large to read back is still never written. Writes are refused from then on, and what was acknowledged stays.
    @Test func aRecordLargerThanItsStateBoundIsNeverWritten() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let store = try ToyStore.openToy(folder)
        try await store.put("before", "1")
        let huge = String(repeating: "a", count: WALRecord.maxPayload)
        await #expect(throws: StorageUnavailable.self) {
            try await store.commit { _ in CommitDecision<ToyState.Change, Void>.write(.misjudged(huge), ()) }
        }
        await #expect(throws: StorageUnavailable.self) { try await store.put("after", "2") }
        #expect(store.values == ["before": "1"])
        store.abandon()
        #expect(ToyStore.verify(folder: folder).isSound)
        let reopened = try ToyStore.openToy(folder)
        #expect(reopened.values == ["before": "1"])
        try await reopened.put("after", "2")
        reopened.abandon()
    }

    /// A change whose record recovery could not read back is refused whole, and the store goes on.
    @Test func aChangeLargerThanARecordMayBeIsRefusedAndNothingIsLogged() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let store = try ToyStore.openToy(folder)
        try await store.put("before", "1")
        let huge = String(repeating: "a", count: WALRecord.maxPayload)
        await #expect(throws: ChangeTooLarge.self) { try await store.put("huge", huge) }
        try await store.put("after", "2")
        #expect(store.values == ["before": "1", "after": "2"])
        store.abandon()
        let reopened = try ToyStore.openToy(folder)
        #expect(reopened.values == ["before": "1", "after": "2"])
        reopened.abandon()
        #expect(ToyStore.verify(folder: folder).isSound)
    }
}
