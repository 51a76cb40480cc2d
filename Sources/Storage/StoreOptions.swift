import Foundation

public struct StoreOptions: Sendable {
    /// A WAL segment is closed and a new one begun past this size. (The writer checks the size written when it hands a
    /// batch over, and the sync thread writes the batches handed over before: a segment runs past it by those, a few
    /// batches under load.)
    public var segmentMaxBytes: Int = 64 << 20
    /// A WAL segment is kept this many zero bytes longer than its records (see `FileSystem.openForAppend`): a sync
    /// that writes no new size costs about half (benchmarks/wal-fsync.py). 0: none.
    public var segmentReserveBytes: Int = 1 << 20
    /// A checkpoint is taken when the WAL written since the last one passes this size…
    public var checkpointEveryBytes: Int = 64 << 20
    /// …or this many records…
    public var checkpointEveryRecords: Int = 100_000
    /// …and once the WAL since the last checkpoint is at least this share of the bytes of the last snapshot's files
    /// that are not sealed: the files every checkpoint writes again, however little changed (sealed ones are linked
    /// once the snapshot before holds them; the new ones a checkpoint writes are in proportion to the WAL already).
    /// Without this, a state whose unsealed files are large would have them rewritten every few seconds under load.
    /// With it, each byte of WAL pays for at most 1/share bytes of them. 0: no such wait.
    public var checkpointWALShareOfSnapshot: Double = 0
    /// A checkpoint that falls due while writes keep coming waits for the writer's first idle moment (no job for
    /// `idlePublicationDelay`) until the WAL since the last one passes this many times `checkpointEveryBytes` or
    /// `checkpointEveryRecords`: a burst of reports is not slowed by a checkpoint it could do without, and the quiet
    /// after it takes it. The cost: up to this many times the WAL to replay after a crash. 1: no wait.
    public var checkpointDeferFactor: Double = 1
    /// A group's write and sync (with the encoding of its records) slower than this is logged as a warning.
    public var slowSyncWarning: TimeInterval = 0.5
    /// Writes that readers need not see at once (`DurableState.isPublishedAtOnce`) are published when a reader waits
    /// for them, or once the writer has had no job for this long.
    public var idlePublicationDelay: TimeInterval = 0.01
    /// The most records the writer decides before handing them to the sync thread, and the most one group commit writes
    /// with one `write` and one sync.
    public var maxBatchRecords: Int = 4096
    /// Test seam: called at each step of a checkpoint; throwing there simulates a crash at that step.
    public var failpoint: (@Sendable (String) throws -> Void)?
    public init() {}
}
