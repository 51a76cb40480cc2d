import Foundation
import Testing
import TestSupport
@testable import Storage

/// Changes that readers need not see at once (reports) are applied in place and published only when a reader waits
/// for them, at a checkpoint, or once the writer is idle: but a reader that awaits the acknowledged writes always
/// sees every one of them, and a failed sync never hides the ones acknowledged before it.
@Suite(.timeLimit(.minutes(1))) struct LazyPublicationTests {
    /// A store whose writer never publishes on its own for being idle (an hour). (A reader's wish lost would hang a
    /// test: the suite's time limit then cancels the wait, which gives up, and the test fails.)
    func patientStore(_ disk: SimulatedFileSystem = SimulatedFileSystem(),
                      _ adjust: (inout StoreOptions) -> Void = { _ in }) throws -> (URL, SimulatedFileSystem, ToyStore) {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        var options = ToyStore.toyOptions
        options.idlePublicationDelay = 3600
        adjust(&options)
        return (folder, disk, try ToyStore.openToy(folder, fileSystem: disk, options: options))
    }

    /// The keys whose writes were answered, filled by the writer tasks.
    final class Acknowledged: @unchecked Sendable {
        private let lock = NSLock()
        private var written: Set<String> = []
        private var failed = false
        func insert(_ key: String) { lock.withLock { _ = written.insert(key) } }
        func fail() { lock.withLock { failed = true } }
        var keys: Set<String> { lock.withLock { written } }
        var anyFailed: Bool { lock.withLock { failed } }
    }

    @Test func aLazyWriteIsPublishedWhenAReaderAwaitsItAndAnEagerOneAtOnce() async throws {
        let (_, _, store) = try patientStore()
        try await store.put("before", "1")
        #expect(store.values == ["before": "1"], "a put is published with its answer")
        try await store.putLazily("a", "1")
        #expect(store.values == ["before": "1"], "acknowledged, applied in place, not yet published")
        await store.awaitAcknowledgedWrites()
        #expect(store.values == ["before": "1", "a": "1"])
        try await store.putLazily("b", "2")
        try await store.put("c", "3")
        #expect(store.values == ["before": "1", "a": "1", "b": "2", "c": "3"], "an eager write publishes the lazy ones before it")
        await store.awaitAcknowledgedWrites() // nothing left to wait for: returns at once
        store.abandon()
    }

    @Test func anIdleWriterPublishesAfterTheDelay() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        var options = ToyStore.toyOptions
        options.idlePublicationDelay = 0.05
        let store = try ToyStore.openToy(folder, fileSystem: SimulatedFileSystem(), options: options)
        try await store.putLazily("a", "1")
        #expect(try await eventually { store.values == ["a": "1"] })
        store.abandon()
    }

    @Test func aReaderAwaitingWhileWritesStreamSeesEveryWriteAcknowledgedBeforeIt() async throws {
        let (_, _, store) = try patientStore(SimulatedFileSystem())
        let acknowledged = Acknowledged()
        let writers = (0..<8).map { writer in
            Task {
                for index in 0..<60 {
                    let key = "w\(writer)-\(index)"
                    do {
                        try await store.putLazily(key, "\(index)")
                    } catch {
                        acknowledged.fail()
                        throw error
                    }
                    acknowledged.insert(key)
                }
            }
        }
        var checks = 0
        var missing: Set<String> = []
        while acknowledged.keys.count < 8 * 60 && !acknowledged.anyFailed && !Task.isCancelled {
            let before = acknowledged.keys
            await store.awaitAcknowledgedWrites()
            missing.formUnion(before.subtracting(store.values.keys))
            checks += 1
            await Task.yield()
        }
        for writer in writers { try await writer.value }
        #expect(missing.isEmpty, "acknowledged before the reader awaited, yet not in what it read")
        #expect(checks > 1)
        await store.awaitAcknowledgedWrites()
        #expect(store.values.count == 8 * 60)
        store.abandon()
    }

    @Test func writesAcknowledgedBeforeAFailedSyncArePublishedAndTheFailedOneIsNot() async throws {
        let (folder, disk, store) = try patientStore()
        try await store.put("before", "1")
        try await store.putLazily("a", "1")
        #expect(store.values == ["before": "1"])
        disk.failSyncAfter = 0
        disk.failingSyncs = 1
        await #expect(throws: StorageUnavailable.self) { try await store.putLazily("b", "2") }
        // Read-only now: nothing later will publish a, so the store applies it to the published state itself.
        try #require(try await eventually { store.values == ["before": "1", "a": "1"] })
        await store.awaitAcknowledgedWrites()
        #expect(store.values == ["before": "1", "a": "1"])
        store.abandon()
        disk.losePower()
        #expect(try ToyStore.openToy(folder, fileSystem: disk).values == ["before": "1", "a": "1"])
    }

    /// A reader waiting behind a sync that hangs gives up when its task is cancelled, and the write it waited for is
    /// published once the sync ends.
    @Test func aWaitingReaderGivesUpWhenCancelled() async throws {
        let gate = PipelinedSyncTests.SyncGate()
        let disk = SimulatedFileSystem()
        disk.beforeLogSync = { gate.arrive() }
        let (_, _, store) = try patientStore(disk)
        try await store.putLazily("a", "1")
        gate.hold()
        let held = Task { try await store.putLazily("b", "2") }
        try await gate.waitUntilASyncIsHeld()
        let left = PipelinedSyncTests.LockedFlag()
        let reader = Task {
            await store.awaitAcknowledgedWrites()
            left.set()
        }
        try await Task.sleep(for: .milliseconds(50)) // waiting now, for a publication behind b's held sync
        #expect(!left.isSet)
        reader.cancel()
        let gaveUp = try await eventually { left.isSet }
        #expect(store.values == [:], "a is still not published: the reader left without it")
        gate.letGo()
        #expect(gaveUp, "the cancelled reader went on waiting for the held sync")
        try await held.value
        await store.awaitAcknowledgedWrites()
        #expect(store.values == ["a": "1", "b": "2"])
        store.abandon()
    }

    /// A segment full and a checkpoint due after the same batch, whose sync fails: the checkpoint must not publish the
    /// working state, which holds the failed write, on its way to finding the store read-only.
    @Test func aFailedLazyWriteIsNeverPublishedByTheCheckpointBehindIt() async throws {
        let (folder, disk, store) = try patientStore { options in
            options.segmentMaxBytes = 1 // a roll once a batch's records are written
            options.checkpointEveryRecords = 2 // due after r, not after the write before it (whose roll would empty the segment)
            options.checkpointWALShareOfSnapshot = 0
        }
        try await store.put("before", "1")
        try store.checkpoint()
        // Written into the new segment: the writer sees it full when it hands r over, and rolls after r.
        try await store.put("before", "1")
        disk.failSyncAfter = 0
        disk.failingSyncs = 1
        await #expect(throws: StorageUnavailable.self) { try await store.putLazily("r", "1") }
        // Queued behind whatever the writer does after the failed batch: its roll and the checkpoint that came due.
        #expect(throws: StorageUnavailable.self) { try store.checkpoint() }
        #expect(store.values == ["before": "1"])
        await store.awaitAcknowledgedWrites()
        #expect(store.values == ["before": "1"])
        store.abandon()
        disk.losePower()
        #expect(try ToyStore.openToy(folder, fileSystem: disk).values == ["before": "1"])
    }

    /// Due by size right after a batch, with no reader and no idle moment before it: the snapshot still covers the
    /// batch's lazy writes (of a published state left behind, it would not).
    @Test func aCheckpointDueAfterABatchCoversItsLazyWrites() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        var options = ToyStore.toyOptions
        options.idlePublicationDelay = 3600
        options.checkpointEveryRecords = 1
        options.checkpointWALShareOfSnapshot = 0
        let store = try ToyStore.openToy(folder, fileSystem: SimulatedFileSystem(), options: options)
        try await store.putLazily("a", "1")
        #expect(try await eventually { store.settledCheckpointSequence() == 1 })
        #expect(store.values == ["a": "1"])
        store.abandon()
    }

    @Test func aCheckpointPublishesAndCoversTheLazyWrites() async throws {
        let (folder, disk, store) = try patientStore()
        try await store.putLazily("a", "1")
        try await store.putLazily("b", "2")
        try store.checkpoint()
        #expect(store.values == ["a": "1", "b": "2"])
        #expect(store.settledCheckpointSequence() == 2, "the snapshot holds both records")
        store.abandon()
        disk.losePower()
        #expect(try ToyStore.openToy(folder, fileSystem: disk).values == ["a": "1", "b": "2"])
    }
}
