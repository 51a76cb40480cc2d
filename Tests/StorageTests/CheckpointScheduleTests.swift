import Foundation
import Testing
import TestSupport
@testable import Storage

/// When a checkpoint is due: after `checkpointEveryRecords`, and only once the WAL since the last one is at
/// least `checkpointWALShareOfSnapshot` of the last snapshot's unsealed files; and always at close.
@Suite struct CheckpointScheduleTests {
    /// Writes `value` under `key`, then two more records. The sync thread writes a record after the writer handed it
    /// over, so the writer counts its bytes when it hands over the next one, and looks at the schedule after that
    /// batch; the third is decided once that look is over. So once the third write is answered, a checkpoint due
    /// after the first has begun.
    func write(_ store: ToyStore, _ key: String, _ value: String) async throws -> UInt64 {
        try await store.put(key, value)
        try await store.put("tick", key)
        try await store.put("tock", key)
        return store.settledCheckpointSequence()
    }

    static let big = String(repeating: "大", count: 20_000) // 60 KB of UTF-8

    /// A store whose checkpoint is due after every record (share permitting), already holding a 60 KB snapshot.
    /// Returns the sequence that snapshot covers.
    func storeWithLargeSnapshot(share: Double) async throws -> (ToyStore, UInt64) {
        var options = ToyStore.toyOptions
        options.checkpointEveryRecords = 1
        options.checkpointWALShareOfSnapshot = share
        let store = try ToyStore.openToy(try RepositoryPaths.makeTemporaryFolder("store"), options: options)
        try await store.put("big", Self.big)
        try store.checkpoint()
        return (store, store.settledCheckpointSequence())
    }

    @Test func aLargeSnapshotWaitsForAsMuchWAL() async throws {
        let (store, first) = try await storeWithLargeSnapshot(share: 1)
        #expect(first >= 1)
        // Small records: far less WAL than the snapshot holds, so no checkpoint however many records.
        var last = first
        for index in 0..<20 { last = try await write(store, "k\(index)", "v") }
        #expect(last == first)
        // A record as large as the snapshot makes one due.
        let after = try await write(store, "big2", Self.big + Self.big)
        #expect(after > first)
        try store.close()
    }

    /// The sync thread writes a batch's records after the writer handed it over, so the writer counts those bytes
    /// only later: a checkpoint the last write of a burst makes due by size starts when the writer next idles, not
    /// at some next write.
    @Test func aCheckpointDueByTheLastWritesBytesStartsOnceTheWriterIdles() async throws {
        var options = ToyStore.toyOptions
        options.checkpointEveryRecords = .max
        options.checkpointEveryBytes = 1
        options.checkpointWALShareOfSnapshot = 0
        let store = try ToyStore.openToy(try RepositoryPaths.makeTemporaryFolder("store"), options: options)
        let before = store.settledCheckpointSequence()
        try await store.putLazily("a", "1")
        #expect(try await eventually { store.settledCheckpointSequence() > before })
        store.abandon()
    }

    /// A checkpoint due while writes keep coming waits for the writer to idle, up to `checkpointDeferFactor` times
    /// its thresholds.
    @Test func aCheckpointDueUnderLoadWaitsUpToTheDeferFactor() async throws {
        var options = ToyStore.toyOptions
        options.checkpointEveryRecords = 3
        options.checkpointWALShareOfSnapshot = 0
        options.checkpointDeferFactor = 4
        options.idlePublicationDelay = 600 // the writer never idles here, however loaded the machine
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let store = try ToyStore.openToy(folder, options: options)
        // Due after three records, but put off: the writer is busy. At four times that, twelve, it is taken.
        var sequences: [UInt64] = []
        for index in 0..<6 { sequences.append(try await write(store, "k\(index)", "v")) }
        #expect(sequences.prefix(3) == [0, 0, 0], "\(sequences)") // 9 records
        #expect(sequences.last.map { $0 >= 12 } == true, "\(sequences)") // 18
        // A stop with one put off again still stops: once the writer came back to the put-off checkpoint for ever
        // instead. (A graceful close asks for a checkpoint, which ends the wait either way.)
        store.abandon()
        let reopened = try ToyStore.openToy(folder, options: options)
        #expect(reopened.read { $0.values["k5"] } == "v")
        try reopened.close()
    }

    /// …and the writer's first idle moment takes it.
    @Test func aPutOffCheckpointIsTakenOnceTheWriterIdles() async throws {
        var options = ToyStore.toyOptions
        options.checkpointEveryRecords = 3
        options.checkpointWALShareOfSnapshot = 0
        options.checkpointDeferFactor = 4
        let store = try ToyStore.openToy(try RepositoryPaths.makeTemporaryFolder("store"), options: options)
        _ = try await write(store, "a", "1")
        // Three records: due, and below twelve only the idle writer takes it.
        #expect(try await eventually { store.settledCheckpointSequence() >= 3 })
        try store.close()
    }

    /// A sealed file is linked, not written again, so it does not count: only what every checkpoint rewrites does.
    @Test func aLargeSealedFileDoesNotHoldCheckpointsBack() async throws {
        var options = ToyStore.toyOptions
        options.checkpointEveryRecords = 1
        options.checkpointWALShareOfSnapshot = 1
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let store = try ToyStore.openToy(folder, options: options)
        try await store.archive(Self.big)
        try store.checkpoint()
        let first = store.settledCheckpointSequence()
        #expect(store.read { $0.archive } == [Self.big])
        // With the 60 KB in `values.json` instead, 20 small records made none due (above).
        var last = first
        for index in 0..<20 { last = try await write(store, "k\(index)", "v") }
        #expect(last > first)
        // And after a restart, from what the manifest says.
        try store.close(checkpointing: false)
        let reopened = try ToyStore.openToy(folder, options: options)
        let settled = reopened.settledCheckpointSequence()
        var later = settled
        for index in 0..<20 { later = try await write(reopened, "r\(index)", "v") }
        #expect(later > settled)
        try reopened.close()
    }

    @Test func withoutTheShareEveryRecordCountTriggersOne() async throws {
        let (store, first) = try await storeWithLargeSnapshot(share: 0)
        let later = try await write(store, "k", "v")
        #expect(later > first)
        try store.close()
    }

    /// After a crash the WAL since the snapshot may span many segments: all of it counts, not the newest one.
    @Test func afterACrashEveryWALSegmentCounts() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        var options = ToyStore.toyOptions
        options.segmentMaxBytes = 4096
        options.checkpointEveryRecords = .max
        options.checkpointEveryBytes = .max
        options.checkpointWALShareOfSnapshot = 1
        let store = try ToyStore.openToy(folder, options: options)
        try await store.put("big", Self.big) // a 60 KB snapshot
        try store.checkpoint()
        for index in 0..<40 { try await store.put("k\(index)", String(repeating: "x", count: 2_000)) } // 80 KB of WAL
        let before = store.settledCheckpointSequence()
        store.abandon()
        #expect(try walFiles(folder).count > 10)

        options.checkpointEveryBytes = 4096
        let reopened = try ToyStore.openToy(folder, options: options)
        let after = try await write(reopened, "one", "more")
        #expect(after > before)
        try reopened.close()
    }

    /// A graceful stop leaves nothing to replay: the next start loads one snapshot covering the last acknowledged
    /// write, however far the WAL was from the checkpoint thresholds.
    @Test func closeTakesACheckpointCoveringTheLastAcknowledgedWrite() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let store = try ToyStore.openToy(folder) // the defaults: no checkpoint is due after a dozen records
        for index in 0..<12 { try await store.put("k\(index)", "v\(index)") }
        #expect(store.settledCheckpointSequence() == 0)
        try store.close()

        // A new folder numbers its records from 1: the twelfth acknowledged write is sequence 12.
        let snapshots = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("snapshot-") }
        #expect(snapshots == [Snapshot.name(12)])
        let manifest = try JSONDecoder().decode(SnapshotManifest.self, from: Data(contentsOf: folder
            .appendingPathComponent(Snapshot.name(12)).appendingPathComponent("manifest.json")))
        #expect(manifest.sequence == 12)
        // No WAL record after it: recovery (read-only, as `verify` runs it) replays nothing.
        let recovered: Recovery.Result<ToyState> = try Recovery.run(folder: folder.path, fileSystem: PosixFileSystem(),
                                                                    logger: quietLogger, repair: false)
        #expect(recovered.snapshotSequence == 12)
        #expect(recovered.lastSequence == 12)
        #expect(recovered.state.values.count == 12)
    }
}
