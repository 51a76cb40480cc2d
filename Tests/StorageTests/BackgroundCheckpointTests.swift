import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import Storage

/// A checkpoint is written on a thread of its own: writes are acknowledged while it is being written, and a
/// crash in the middle of it loses none of them.
@Suite struct BackgroundCheckpointTests {
    struct Crash: Error {}

    /// Holds the first checkpoint at one of its steps until the test lets it go, then goes on or crashes there.
    final class Hold: @unchecked Sendable {
        var armed = true
        let reached = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let step: String
        let crash: Bool
        init(at step: String, crash: Bool = false) {
            self.step = step
            self.crash = crash
        }
        func failpoint(_ name: String) throws {
            guard armed && name == step else { return }
            armed = false
            reached.signal()
            release.wait()
            if crash { throw Crash() }
        }
    }

    func openHeld(_ folder: URL, _ hold: Hold) throws -> ToyStore {
        var options = ToyStore.toyOptions
        options.failpoint = { try hold.failpoint($0) }
        return try ToyStore.openToy(folder, options: options)
    }

    // Had the checkpoint held the writer, the writes below would wait forever: the limit makes that a failure.
    @Test(.timeLimit(.minutes(1))) func writesAreAcknowledgedWhileACheckpointIsBeingWritten() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let hold = Hold(at: "snapshot.files-written")
        let store = try openHeld(folder, hold)
        for index in 0..<10 { try await store.put("before-\(index)", "x") }
        let checkpoint = Task { try await onDedicatedThread { try store.checkpoint() } }
        try await onDedicatedThread { hold.reached.wait() }
        // The checkpoint is stuck half-written; these must still be acknowledged and readable.
        for index in 0..<10 { try await store.put("during-\(index)", "y") }
        #expect(store.values.count == 20)
        hold.release.signal()
        try await checkpoint.value
        try store.close()

        let reopened = try ToyStore.openToy(folder)
        #expect(reopened.values.count == 20)
        // The snapshot holds the state as of the checkpoint; the writes made during it come from the WAL.
        let snapshots = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("snapshot-") }
        #expect(snapshots.count == 1)
        reopened.abandon()
    }

    /// Records the checkpoint thread's nice value when its snapshot is begun.
    final class NiceProbe: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [Int32] = []
        func failpoint(_ name: String) {
            guard name == "snapshot.created-temp" else { return }
            let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) // on Linux: the calling thread's
            lock.withLock { seen.append(nice) }
        }
        var values: [Int32] { lock.withLock { seen } }
    }

    /// A checkpoint that came due by size runs at the lowest CPU priority, one someone waits for a little above it.
    @Test func aDueCheckpointRunsAtTheLowestPriorityAndAnAskedOneAboveIt() async throws {
        func store(due: Bool) throws -> (ToyStore, NiceProbe) {
            let probe = NiceProbe()
            var options = ToyStore.toyOptions
            options.failpoint = { probe.failpoint($0) }
            if due {
                options.checkpointEveryRecords = 1
                options.checkpointWALShareOfSnapshot = 0
            }
            return (try ToyStore.openToy(try RepositoryPaths.makeTemporaryFolder("store"), options: options), probe)
        }
        let (due, dueProbe) = try store(due: true)
        try await due.put("a", "x")
        try await due.put("b", "x") // answered after the writer looked at the schedule: the first one is due
        _ = due.settledCheckpointSequence()
        #expect(!dueProbe.values.isEmpty && dueProbe.values.allSatisfy { $0 == 19 }, "\(dueProbe.values)")
        due.abandon()

        let (asked, askedProbe) = try store(due: false)
        try await asked.put("a", "x")
        try await onDedicatedThread { try asked.checkpoint() }
        #expect(askedProbe.values == [10])
        asked.abandon()
    }

    @Test func crashDuringABackgroundCheckpointLosesNoAcknowledgedWrite() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let hold = Hold(at: "snapshot.manifest-written", crash: true)
        let store = try openHeld(folder, hold)
        for index in 0..<10 { try await store.put("before-\(index)", "x") }
        let checkpoint = Task { try await onDedicatedThread { try store.checkpoint() } }
        try await onDedicatedThread { hold.reached.wait() }
        for index in 0..<10 { try await store.put("during-\(index)", "y") }
        // The crash: the snapshot is never renamed into place, and the process stops without a final checkpoint.
        hold.release.signal()
        await #expect(throws: Crash.self) { try await checkpoint.value }
        store.abandon()

        let reopened = try ToyStore.openToy(folder)
        #expect(reopened.values.count == 20)
        #expect(reopened.values["during-9"] == "y")
        reopened.abandon()
    }
}
