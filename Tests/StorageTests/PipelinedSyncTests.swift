import Foundation
import Testing
import TestSupport
@testable import Storage

/// The writer decides and applies the next batch while the sync thread writes and syncs the last one: nothing of
/// either is answered or visible before it is on disk, answers keep their order, and a failed sync takes every batch
/// decided behind it down with it.
@Suite(.timeLimit(.minutes(1))) struct PipelinedSyncTests {
    /// A sync that waits until the test lets it go, and says when one has begun. (The test side polls: blocking a
    /// thread of the concurrency pool could starve the very tasks it waits for.)
    final class SyncGate: @unchecked Sendable {
        private let release = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var holding = false
        private var arrived = false
        func hold() { lock.withLock { holding = true } }
        func letGo() {
            lock.withLock { holding = false }
            release.signal()
        }
        /// On the sync thread.
        func arrive() {
            guard lock.withLock({ holding }) else { return }
            lock.withLock { arrived = true }
            release.wait()
        }
        func waitUntilASyncIsHeld() async throws {
            while !lock.withLock({ arrived }) { try await Task.sleep(for: .milliseconds(5)) }
        }
    }

    func heldStore() throws -> (URL, SimulatedFileSystem, ToyStore, SyncGate) {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let disk = SimulatedFileSystem()
        let gate = SyncGate()
        disk.beforeLogSync = { gate.arrive() }
        return (folder, disk, try ToyStore.openToy(folder, fileSystem: disk), gate)
    }

    /// Puts b through a decision that says when it ran: on the writer thread, once b is taken into a batch.
    func putDeciding(_ store: ToyStore, _ key: String, _ value: String, decided: LockedFlag) -> Task<Void, any Error> {
        Task {
            try await store.commit { _ in
                decided.set()
                return CommitDecision<ToyState.Change, Void>.write(.put(key: key, value: value), ())
            }
        }
    }

    @Test func theNextBatchIsDecidedWhileASyncIsOnItsWayAndNothingIsVisibleBeforeItsOwnSync() async throws {
        let (folder, disk, store, gate) = try heldStore()
        try await store.put("before", "1")
        let segment = folder.path + "/wal/00000000000000000001.wal"
        gate.hold()
        let first = Task { try await store.put("a", "1") }
        try await gate.waitUntilASyncIsHeld() // a is written and its sync has begun and is held
        let sizeWithA = try SegmentScan(bytes: [UInt8](disk.readFile(segment)), segment: 1).validBytes
        let decided = LockedFlag()
        let second = putDeciding(store, "b", "2", decided: decided)
        // b is decided and applied behind a while a's sync is held; the sync thread writes it once that sync is over...
        #expect(try await eventually { decided.isSet })
        #expect(try SegmentScan(bytes: [UInt8](disk.readFile(segment)), segment: 1).validBytes == sizeWithA)
        // ...and neither is visible, since neither is on disk.
        #expect(store.values == ["before": "1"])
        gate.letGo()
        try await first.value
        try await second.value
        #expect(store.values == ["before": "1", "a": "1", "b": "2"])
        store.abandon()
        disk.losePower()
        #expect(try ToyStore.openToy(folder, fileSystem: disk).values == ["before": "1", "a": "1", "b": "2"])
    }

    @Test func aFailedSyncFailsTheBatchesDecidedBehindItAndCutsItsRecordsOff() async throws {
        let (folder, disk, store, gate) = try heldStore()
        try await store.put("before", "1")
        let segment = folder.path + "/wal/00000000000000000001.wal"
        let syncedRecords = try SegmentScan(bytes: [UInt8](disk.readFile(segment)), segment: 1).records.count
        gate.hold()
        let first = Task { try await store.put("a", "1") }
        try await gate.waitUntilASyncIsHeld()
        let decided = LockedFlag()
        let second = putDeciding(store, "b", "2", decided: decided)
        #expect(try await eventually { decided.isSet })
        #expect(try SegmentScan(bytes: [UInt8](disk.readFile(segment)), segment: 1).records.count == syncedRecords + 1)
        // One sync fails, a's: the next would succeed (Linux may well answer a second fdatasync after EIO with 0),
        // and b, decided on top of a, must not be written, synced and acknowledged after it.
        disk.failSyncAfter = 0
        disk.failingSyncs = 1
        gate.letGo()
        await #expect(throws: StorageUnavailable.self) { try await first.value }
        await #expect(throws: StorageUnavailable.self) { try await second.value }
        #expect(disk.failSyncAfter == nil, "the one failing sync was used")
        #expect(store.values == ["before": "1"])
        // b was never written: only before's and a's records went to the segment.
        #expect(disk.logAppends.filter { $0.path == segment }.map { SegmentScan(bytes: $0.bytes, segment: 1).records.count }
                    .reduce(0, +) == syncedRecords + 1)
        // Cut back to what was synced, so a restart does not bring back writes that were answered 503.
        #expect(try await eventually { try SegmentScan(bytes: [UInt8](disk.readFile(segment)), segment: 1).records.count == syncedRecords })
        store.abandon()
        disk.losePower()
        #expect(try ToyStore.openToy(folder, fileSystem: disk).values == ["before": "1"])
    }

    /// A segment is full after a batch whose sync then fails: no segment may begin behind its unsynced records (they
    /// would be damage in a segment that is not the last), and the cut must take them off that segment.
    @Test func aSyncFailingWhileTheSegmentRollsBeginsNoSegmentBehindIt() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let disk = SimulatedFileSystem()
        let gate = SyncGate()
        disk.beforeLogSync = { gate.arrive() }
        var options = ToyStore.toyOptions
        options.segmentMaxBytes = 1 // a roll after every batch
        let store = try ToyStore.openToy(folder, fileSystem: disk, options: options)
        try await store.put("before", "1")
        let wal = folder.path + "/wal"
        let segments = try disk.list(wal)
        let last = try #require(segments.last)
        let lastSegment = wal + "/" + last
        let recordsBefore = SegmentScan(bytes: [UInt8](try disk.readFile(lastSegment)), segment: UInt64(last.prefix(20)) ?? 0).records.count
        gate.hold()
        let write = Task { try await store.put("a", "1") }
        try await gate.waitUntilASyncIsHeld() // a is written; the writer waits for its sync to roll
        disk.failSyncAfter = 0
        disk.failingSyncs = 1
        gate.letGo()
        await #expect(throws: StorageUnavailable.self) { try await write.value }
        #expect(try await eventually { try disk.list(wal).count == segments.count })
        store.abandon()
        #expect(try disk.list(wal) == segments, "no segment begun behind a failed sync")
        #expect(SegmentScan(bytes: [UInt8](try disk.readFile(lastSegment)), segment: UInt64(last.prefix(20)) ?? 0).records.count
                    == recordsBefore, "a's record cut off the segment it was written to")
        #expect(try ToyStore.openToy(folder, fileSystem: disk, options: options).values == ["before": "1"])
    }

    /// A batch the disk refuses is answered after the batches ahead of it, not before them.
    @Test func aFailedWriteIsAnsweredAfterTheBatchesAheadOfIt() async throws {
        let (_, disk, store, gate) = try heldStore()
        gate.hold()
        let first = Task { try await store.put("a", "1") }
        try await gate.waitUntilASyncIsHeld()
        disk.spaceLeft = 0
        let answered = LockedFlag()
        let big = Task {
            defer { answered.set() }
            try await store.put("big", String(repeating: "x", count: ToyStore.toyOptions.segmentReserveBytes * 2))
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(!answered.isSet, "answered while the batch ahead of it waited for its sync")
        gate.letGo()
        try await first.value
        await #expect(throws: StorageUnavailable.self) { try await big.value }
        #expect(store.values == ["a": "1"])
        store.abandon()
    }

    /// A queue longer than `maxBatchRecords` is taken that many at a time (one WAL write each), and every job in it
    /// is answered.
    @Test func aQueueLongerThanABatchIsTakenABatchAtATime() async throws {
        var options = ToyStore.toyOptions
        options.maxBatchRecords = 3
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let disk = SimulatedFileSystem()
        let store = try ToyStore.openToy(folder, fileSystem: disk, options: options)
        // A decision that holds the writer while the puts queue up behind it.
        let deciding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Task { try await store.commit { _ in deciding.signal(); release.wait(); return .noWrite(()) } }
        try await onDedicatedThread { deciding.wait() }
        let puts = (0..<10).map { index in Task { try await store.put("k\(index)", "v") } }
        #expect(try await eventually { store.queuedJobs == 10 })
        release.signal()
        try await holder.value
        for put in puts { try await put.value }
        #expect(store.values.count == 10)
        // Each batch went to the segment in one write: the ten queued behind the held one, three at a time.
        let segment = folder.path + "/wal/00000000000000000001.wal"
        let batches = disk.logAppends.filter { $0.path == segment }.map { SegmentScan(bytes: $0.bytes, segment: 1).records.count }
        #expect(batches == [3, 3, 3, 1])
        try store.close()
        let reopened = try ToyStore.openToy(folder, fileSystem: disk)
        #expect(reopened.values.count == 10)
        reopened.abandon()
    }

    /// An answer that needs no record (an identical retry, a dry run, a refusal) waits for the batches ahead of it:
    /// a retry must not be told "stored" before the write it repeats is on disk.
    @Test func anAnswerWithoutARecordWaitsForTheSyncAheadOfIt() async throws {
        let (_, _, store, gate) = try heldStore()
        gate.hold()
        let write = Task { try await store.put("a", "1") }
        try await gate.waitUntilASyncIsHeld()
        let answered = LockedFlag()
        let retry = Task {
            let seen = try await store.commit { state in CommitDecision<ToyState.Change, String?>.noWrite(state.values["a"]) }
            answered.set()
            return seen
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(!answered.isSet, "answered while the write it saw was not yet on disk")
        gate.letGo()
        try await write.value
        #expect(try await retry.value == "1")
        store.abandon()
    }

    /// Decided on top of a write whose sync then fails, and handed over once that sync is over: it is refused like
    /// the write, not told its retry is stored.
    @Test func anAnswerWithoutARecordDecidedBehindAFailingSyncIsRefused() async throws {
        let (_, disk, store, gate) = try heldStore()
        gate.hold()
        let write = Task { try await store.put("a", "1") }
        try await gate.waitUntilASyncIsHeld()
        let retry = Task {
            try await store.commit { state in
                // On the writer thread, deciding: held until a's sync has failed and been answered.
                for _ in 0..<10_000 where store.health == .writable { usleep(1000) } // at most 10 s
                usleep(50_000)
                return CommitDecision<ToyState.Change, String?>.noWrite(state.values["a"])
            }
        }
        try await Task.sleep(for: .milliseconds(50)) // the retry is being decided
        disk.failSyncAfter = 0
        disk.failingSyncs = 1
        gate.letGo()
        await #expect(throws: StorageUnavailable.self) { try await write.value }
        await #expect(throws: StorageUnavailable.self) { try await retry.value }
        store.abandon()
    }

    final class LockedFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }
}
