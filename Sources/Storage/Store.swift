import CThreadName
import Foundation
import Logging

/// A durable value: recovered from the newest snapshot plus the WAL after it, changed only by logged changes.
/// Writers queue; one thread decides and applies each batch, a second writes the records of every batch handed to
/// it meanwhile and syncs them once (group commit), then publishes and answers (Store+Sync.swift).
///
/// Readers see a published copy of the state. The writer publishes the state after a batch when a change in it must
/// be seen at once, when a reader waits for it, at a checkpoint, or once it has been idle for a moment; otherwise it
/// goes on applying in place. A copy published after every batch cost a copy of each report's day under load (and
/// freeing the copy it replaced): every day is written again long after some published copy took it over.
public final class Store<State: DurableState>: @unchecked Sendable {
    let folder: String
    let fileSystem: any FileSystem
    let options: StoreOptions
    let logger: Logger
    private let folderLock: DataFolderLock

    /// Guards everything below it. (Internal, not private: the checkpoint half lives in Store+Checkpoint.swift.)
    let condition = MonotonicCondition()
    /// The latest durable state, boxed: a reader retains one reference instead of every collection in the
    /// state (those retains, contended between the loops, were a third of authenticating a request).
    var published: Published
    var publishedSequence: UInt64
    /// The last sequence number synced and answered (or about to be): what `awaitAcknowledgedWrites` waits for.
    var acknowledgedSequence: UInt64
    /// A reader waits for the state after the acknowledged writes: the writer publishes its next batch.
    var publicationWanted = false
    var publicationWaiters: [PublicationWaiter] = []
    var healthState = StorageHealth.writable
    private var queue: [CommitJob<State>] = []
    var checkpointTickets: [CheckpointTicket] = []
    var stopping = false
    var writerDone = false
    var checkpointRunning = false
    var lastCheckpointSequence: UInt64
    /// One online backup at a time: two into the same folder (a retry, a double click) deleted each other's files.
    private var backupRunning = false
    /// The bytes of the last snapshot's files that are not sealed: what the share rule weighs the WAL against.
    var lastUnsealedSnapshotBytes: Int
    /// The last linked snapshot file a checkpoint read back (`Snapshot.write`); the next one reads on from there.
    var linkedFilesCheckedThrough: String?

    // Owned by the writer thread.
    var segment: any AppendableFile
    private var segmentFirst: UInt64
    private var nextSequence: UInt64
    /// The state after every batch applied so far, written and synced or not: what the next batch is decided against.
    private var working: State
    /// Set once the segment was cut back after a failed write or sync (see `cutUnsyncedTail`).
    private var tailCut = false
    /// Records were applied since the writer last handed over a state to publish.
    private var writtenUnpublished = false
    /// A checkpoint is due but waits for the writer to idle (`StoreOptions.checkpointDeferFactor`).
    var checkpointPutOff = false
    var recordsSinceCheckpoint = 0
    var bytesSinceCheckpoint = 0

    /// Guards the sync thread's hand-over below (its own lock: the request threads never wait on it).
    let syncCondition = NSCondition()
    /// Batches decided and applied, oldest first, waiting for the sync thread to write and sync them.
    var unsynced: [AppliedBatch] = []
    /// True while the sync thread writes, syncs and answers a group it took from `unsynced`.
    var syncing = false
    /// The current segment's size up to the last synced batch: where a failed batch is cut back to.
    var syncedSize: Int
    /// The current segment's size after the last batch written, and the bytes written since the writer last looked:
    /// what it rolls the segment and checkpoints by (the sync thread writes the records).
    var writtenSize: Int
    var bytesWrittenUnseen = 0
    var syncerStopping = false
    var syncerDone = false
    /// The records of the batches synced since the last publication, a list per batch, oldest first: their changes
    /// are applied to the published state when a failed sync or write leaves no later state to publish
    /// (`publishAcknowledged`). Kept by batch, not change by change: a copy of every change (a retain and a release of
    /// each of its fields) was a sixth of the sync thread's time. Touched by the sync thread while `syncing`,
    /// otherwise under `syncCondition`.
    var unpublishedRecords: [[PendingRecord]] = []

    var walFolder: String { folder + "/wal" }

    private init(folder: String, fileSystem: any FileSystem, options: StoreOptions, logger: Logger, lock: DataFolderLock,
                 recovered: Recovery.Result<State>) throws {
        self.folder = folder
        self.fileSystem = fileSystem
        self.options = options
        self.logger = logger
        self.folderLock = lock
        self.published = Published(recovered.state)
        self.working = recovered.state
        self.publishedSequence = recovered.lastSequence
        self.acknowledgedSequence = recovered.lastSequence
        self.nextSequence = recovered.lastSequence + 1
        self.lastCheckpointSequence = recovered.snapshotSequence
        self.lastUnsealedSnapshotBytes = recovered.unsealedSnapshotBytes
        self.linkedFilesCheckedThrough = recovered.checkedThrough
        self.recordsSinceCheckpoint = Int(recovered.lastSequence - recovered.snapshotSequence)
        self.segmentFirst = recovered.lastSegment ?? recovered.lastSequence + 1
        self.segment = try fileSystem.openForAppend(Self.segmentPath(walFolder: folder + "/wal", segmentFirst),
                                                    reservingAhead: options.segmentReserveBytes)
        // The segment's entry, new or left by a process killed inside a roll: records acknowledged into it must not
        // vanish with an unsynced entry at a power cut.
        try fileSystem.syncDirectory(folder + "/wal")
        if recovered.lastSegment == nil {
            // A new folder's `wal/` entry too: without it a power cut before the first checkpoint could take the
            // whole WAL, acknowledged records and all.
            try fileSystem.syncDirectory(folder)
        }
        // All of the WAL since the snapshot, not just the newest segment: after a crash it may span many.
        self.bytesSinceCheckpoint = recovered.walBytes
        self.syncedSize = segment.size
        self.writtenSize = segment.size
        let writer = Thread { [weak self] in
            _ = cthreadname_set("wal-writer") // for top -H and perf
            self?.writerLoop()
        }
        writer.qualityOfService = .userInitiated
        writer.start()
        let syncer = Thread { [weak self] in
            _ = cthreadname_set("wal-sync")
            self?.syncLoop()
        }
        syncer.qualityOfService = .userInitiated
        syncer.start()
    }

    /// Takes the folder lock, removes stray temporary files, loads the newest snapshot, replays the WAL after
    /// it and repairs a torn tail. Corruption anywhere else refuses to open and changes nothing.
    public static func open(folder url: URL, options: StoreOptions = StoreOptions(),
                            fileSystem: any FileSystem = PosixFileSystem(), logger: Logger) throws -> Store<State> {
        let folder = url.standardizedFileURL.path
        if !fileSystem.exists(folder) {
            try fileSystem.makeDirectory(folder)
            // The new folder's own entry, so that a power cut cannot take the folder away with what it holds.
            try fileSystem.syncDirectory(url.standardizedFileURL.deletingLastPathComponent().path)
        }
        let lock = try DataFolderLock(folder: folder)
        do {
            let recovered: Recovery.Result<State> = try Recovery.run(folder: folder, fileSystem: fileSystem, logger: logger, repair: true)
            return try Store(folder: folder, fileSystem: fileSystem, options: options, logger: logger, lock: lock, recovered: recovered)
        } catch {
            lock.release()
            throw error
        }
    }

    static func segmentPath(walFolder: String, _ first: UInt64) -> String {
        walFolder + "/" + String(format: "%020llu.wal", first)
    }

    // MARK: Reading

    /// The latest published state: never a change whose record is not yet on disk, every change that is published at
    /// once (`DurableState.isPublishedAtOnce`), and every other write acknowledged before the last
    /// `awaitAcknowledgedWrites` returned (and all of them once the writer was idle for `idlePublicationDelay`).
    public func read<R>(_ body: (State) throws -> R) rethrows -> R {
        condition.lock()
        let state = published
        condition.unlock()
        return try body(state.value)
    }

    /// Returns once the published state holds every write acknowledged so far: a reader that must see them (a
    /// report just answered 201) calls it first. Under a steady stream of writes it waits for the writer's next
    /// batch and its sync; otherwise it returns at once.
    public func awaitAcknowledgedWrites() async {
        guard let target = unpublishedAcknowledgedSequence() else { return }
        let token = PublicationWaiter.Token()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                condition.lock()
                // A stopped writer publishes nothing more (and published everything it could before it stopped).
                if publishedSequence >= target || writerDone || Task.isCancelled {
                    condition.unlock()
                    continuation.resume()
                    return
                }
                publicationWanted = true
                publicationWaiters.append(PublicationWaiter(sequence: target, token: token, continuation: continuation))
                condition.broadcast() // an idle writer publishes at once
                condition.unlock()
            }
        } onCancel: {
            condition.lock()
            let index = publicationWaiters.firstIndex { $0.token === token }
            let waiter = index.map { publicationWaiters.remove(at: $0) }
            condition.unlock()
            waiter?.continuation.resume()
        }
    }

    /// The last acknowledged sequence when the published state does not hold it yet, else nil.
    private func unpublishedAcknowledgedSequence() -> UInt64? {
        condition.lock()
        defer { condition.unlock() }
        return publishedSequence >= acknowledgedSequence ? nil : acknowledgedSequence
    }

    /// Jobs waiting for the writer. For tests.
    var queuedJobs: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count
    }

    public var health: StorageHealth {
        condition.lock()
        defer { condition.unlock() }
        return healthState
    }

    // MARK: Writing

    public func commit<R: Sendable>(_ decide: @escaping @Sendable (State) throws -> CommitDecision<State.Change, R>) async throws -> R {
        try await withCommitContinuation { (continuation: CommitContinuation<R>) in
            let job: CommitJob<State> = ResultCommitJob(decide, continuation: continuation)
            condition.lock()
            if stopping {
                condition.unlock()
                job.fail(StoreError.closed)
                return
            }
            if case .readOnly(let reason) = healthState {
                condition.unlock()
                job.fail(StorageUnavailable(reason: reason))
                return
            }
            queue.append(job)
            condition.broadcast()
            condition.unlock()
        }
    }

    private func writerLoop() {
        while true {
            condition.lock()
            // Idle with writes not yet published: they are, at a reader's wish at once, else after a moment without jobs.
            // So is a checkpoint put off while jobs kept coming.
            let idleDeadline = writtenUnpublished || checkpointPutOff ? MonotonicCondition.deadline(after: options.idlePublicationDelay) : nil
            var idled = false
            while queue.isEmpty && (checkpointTickets.isEmpty || checkpointRunning) && !stopping && !mustCutTail {
                guard let idleDeadline else {
                    condition.wait()
                    continue
                }
                if publicationWanted { break }
                if !condition.wait(until: idleDeadline) {
                    idled = true
                    break
                }
            }
            // (Not a put-off checkpoint once stopping: the stop takes one if asked to, and this would come back here
            // for ever instead of stopping.)
            if queue.isEmpty && (writtenUnpublished || checkpointPutOff && !stopping) && healthState.readOnlyReason == nil {
                publicationWanted = false
                condition.unlock()
                publishWorkingState()
                // The last batch's bytes are counted only now (the sync thread wrote them after it was handed over):
                // a checkpoint they make due is not left until the next write.
                startCheckpointIfDue(writerIdle: idled)
                continue
            }
            if queue.isEmpty && stopping {
                condition.unlock()
                // Every written batch is synced and answered before the folder is released.
                stopSyncing()
                // Read-only (perhaps by a sync that failed just now): the acknowledged writes are published before the
                // writer stops (see `cutUnsyncedTail`).
                condition.lock()
                let cut = mustCutTail
                condition.unlock()
                if cut { cutUnsyncedTail() }
                condition.lock()
                // A checkpoint still being written must finish before the folder is released.
                while checkpointRunning { condition.wait() }
                let orphans = checkpointTickets
                checkpointTickets.removeAll()
                for ticket in orphans { ticket.outcome = .failure(StoreError.closed) }
                writerDone = true
                let waiters = publicationWaiters
                publicationWaiters.removeAll()
                condition.broadcast()
                condition.unlock()
                for waiter in waiters { waiter.continuation.resume() }
                return
            }
            let batch: [CommitJob<State>]
            if queue.count <= options.maxBatchRecords {
                // The whole queue, its buffer handed over: `removeFirst` shifted (and reallocated) it for every batch.
                batch = queue
                queue = []
                queue.reserveCapacity(batch.count)
            } else {
                batch = Array(queue.prefix(options.maxBatchRecords))
                queue.removeFirst(batch.count)
            }
            let readOnlyReason = healthState.readOnlyReason
            condition.unlock()

            if let readOnlyReason {
                cutUnsyncedTail()
                for job in batch { job.fail(StorageUnavailable(reason: readOnlyReason)) }
            } else if !batch.isEmpty {
                commitBatch(batch)
            }
            startCheckpointIfDue()
        }
    }

    /// Read-only since a write or a sync failed, and the segment not yet cut back (read under `condition`).
    private var mustCutTail: Bool { healthState.readOnlyReason != nil && !tailCut }

    /// Decides each job against the working state, applies its change and hands the batch to the sync thread, which
    /// writes its records, syncs them and answers. The next batch is decided meanwhile: the writer never waits for the
    /// disk. A change is encoded here only when the state cannot bound its record's size (`logPayloadSizeBound`):
    /// one too large must be refused before it is applied. The others are encoded by the sync thread, which is idle
    /// most of the time, while this one, every write's single lane, decides the next batch.
    private func commitBatch(_ batch: [CommitJob<State>]) {
        var applied = AppliedBatch()
        let mustPublish = Self.decideAndApply(batch, on: &working, into: &applied)
        let firstSequence = nextSequence
        nextSequence += UInt64(applied.records.count)
        applied.lastSequence = nextSequence - 1
        if nextSequence > firstSequence {
            recordsSinceCheckpoint += Int(nextSequence - firstSequence)
            applied.file = segment
            applied.segmentFirst = segmentFirst
            applied.firstSequence = firstSequence
            writtenUnpublished = true
        }
        if writtenUnpublished && (mustPublish || takePublicationWish()) {
            applied.state = Published(working)
            writtenUnpublished = false
        }
        let written = handOver(applied)
        bytesSinceCheckpoint += written.bytes
        if written.segmentSize >= options.segmentMaxBytes { try? rollSegment() }
    }

    /// Decides each job against `state` and applies its change; returns whether one must be published at once. The
    /// state is `inout`, so that every decision reads it in place: read from the property, it was copied for each job
    /// (a retain and a release of each of its stores, which the readers' copies share).
    private static func decideAndApply(_ batch: [CommitJob<State>], on state: inout State, into applied: inout AppliedBatch) -> Bool {
        var mustPublish = false
        for job in batch {
            do {
                if let change = try job.decide(state) {
                    var payload: [UInt8]?
                    if (State.logPayloadSizeBound(of: change) ?? .max) > WALRecord.maxPayload {
                        let encoded = try State.logPayload(of: change)
                        guard encoded.count <= WALRecord.maxPayload else {
                            throw ChangeTooLarge(bytes: encoded.count, limit: WALRecord.maxPayload)
                        }
                        payload = encoded
                    }
                    try state.apply(change)
                    if State.isPublishedAtOnce(change) { mustPublish = true }
                    // Moved, not copied, into its record: last, once nothing else reads it.
                    applied.records.append(PendingRecord(change: consume change, payload: payload))
                }
                applied.jobs.append(job)
            } catch {
                applied.failures.append((job, error))
            }
        }
        return mustPublish
    }

    /// A reader waits for the acknowledged writes: this batch's state fulfils its wish.
    private func takePublicationWish() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let wanted = publicationWanted
        publicationWanted = false
        return wanted
    }

    /// Hands the working state over for publication once every batch before it is synced (a checkpoint needs it).
    func publishWorkingState() {
        guard writtenUnpublished, health == .writable else { return }
        var batch = AppliedBatch()
        batch.state = Published(working)
        batch.lastSequence = nextSequence - 1
        writtenUnpublished = false
        bytesSinceCheckpoint += handOver(batch).bytes
    }

    func enterReadOnly(_ reason: String) {
        condition.lock()
        healthState = .readOnly(reason: reason)
        condition.broadcast()
        condition.unlock()
    }

    /// After a failed write or sync, once every batch before it is answered: takes what was written and not synced
    /// back off the segment (best effort). Should it stay, it is still the last segment's tail, which recovery cuts;
    /// no segment is begun behind it.
    private func cutUnsyncedTail() {
        guard !tailCut else { return }
        let size = waitUntilSynced()
        try? fileSystem.truncate(Self.segmentPath(walFolder: walFolder, segmentFirst), to: size)
        tailCut = true
        // The working state holds changes that failed: never published. The acknowledged ones are, by themselves.
        writtenUnpublished = false
        publishAcknowledged()
    }

    func rollSegment() throws {
        // The old segment's last batches are synced through its own descriptor before it closes.
        waitUntilSynced()
        // A sync that failed meanwhile left unsynced records at the old segment's end: a segment begun behind them
        // would make them damage in a segment that is not the last, and the cut after it would cut the wrong file.
        condition.lock()
        let readOnlyReason = healthState.readOnlyReason
        condition.unlock()
        if let readOnlyReason { throw StorageUnavailable(reason: readOnlyReason) }
        // The new segment opens first: should that fail (no descriptors, no room), the old one, still open, goes on
        // taking records. Closed first, its descriptor number was written through after the kernel had reused it.
        let first = nextSequence
        let next = try fileSystem.openForAppend(Self.segmentPath(walFolder: walFolder, first), reservingAhead: options.segmentReserveBytes)
        // A closed segment's reserve would never be written into: its zeros go (unsynced: should a power cut bring
        // them back, they are a clean end still). Kept, they took ten times the records' room with small segments.
        try? fileSystem.truncate(Self.segmentPath(walFolder: walFolder, segmentFirst), to: segment.size)
        segment.close()
        segment = next
        segmentFirst = first
        syncCondition.lock()
        syncedSize = next.size
        writtenSize = next.size
        syncCondition.unlock()
        do {
            try fileSystem.syncDirectory(walFolder)
        } catch {
            // Records synced into a segment whose directory entry is not could vanish with a power cut.
            let reason = StorageUnavailable.reason(error)
            logger.critical("WAL folder sync failed; refusing writes until restart", metadata: ["error": "\(error)"])
            enterReadOnly(reason)
            throw error
        }
    }

    // MARK: Closing and backup

    /// Finishes queued writes, takes a final checkpoint and releases the folder.
    /// `checkpointing: false` for a command that only read (a token list, a migration status, a backup): it leaves
    /// the folder's snapshot and WAL as it found them instead of rewriting a season's state on the way out.
    public func close(checkpointing: Bool = true) throws {
        var failure: (any Error)?
        if checkpointing {
            do { try checkpoint() } catch StoreError.closed { return } catch { failure = error }
        } else {
            condition.lock()
            let closed = writerDone || stopping
            condition.unlock()
            if closed { return }
        }
        condition.lock()
        stopping = true
        condition.broadcast()
        while !writerDone { condition.wait() }
        condition.unlock()
        segment.close()
        folderLock.release()
        if let failure { throw failure }
    }

    /// Stops as a killed process would: no checkpoint, nothing beyond what is already synced. For tests.
    func abandon() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !writerDone { condition.wait() }
        condition.unlock()
        segment.close()
        folderLock.release()
    }

    /// A consistent copy of the published state, as a data folder that `open` and `verify` accept. (The admin endpoint
    /// awaits every acknowledged write first.)
    public func backup(to directory: URL) throws {
        let target = directory.standardizedFileURL.path
        let resolvedFolder = Self.resolved(folder)
        let resolvedTarget = Self.resolved(target)
        if resolvedTarget == resolvedFolder || resolvedTarget.hasPrefix(resolvedFolder + "/") {
            throw StoreError.backupInsideDataFolder(target: target, folder: folder)
        }
        condition.lock()
        guard !backupRunning else {
            condition.unlock()
            throw FileSystemError(call: "backup", path: target, errno: EBUSY)
        }
        backupRunning = true
        let state = published.value
        let sequence = publishedSequence
        condition.unlock()
        defer {
            condition.lock()
            backupRunning = false
            condition.unlock()
        }
        let made = !fileSystem.exists(target)
        try fileSystem.makeDirectory(target)
        // A file of that name (mkdir leaves it alone) lists as ENOTDIR: "not a folder", not "nothing there".
        guard try fileSystem.list(target).isEmpty else {
            throw FileSystemError(call: "backup", path: target, errno: EEXIST)
        }
        do {
            try fileSystem.makeDirectory(target + "/wal")
            try Snapshot.write(try state.snapshotFiles(), sequence: sequence, into: target, fileSystem: fileSystem)
            try fileSystem.syncDirectory(target + "/wal")
            try fileSystem.syncDirectory(target)
            // And the backup's own entry: a copy reported written must not vanish with a power cut.
            try fileSystem.syncDirectory((target as NSString).deletingLastPathComponent)
        } catch {
            // The folder was empty: whatever is in it now is this backup's, and half a backup must not look like one.
            for name in (try? fileSystem.list(target)) ?? [] { try? fileSystem.remove(target + "/" + name) }
            if made { try? fileSystem.remove(target) } // and the folder, when this backup made it
            throw error
        }
    }
}

extension Store {
    /// The path with symbolic links resolved as far as it exists (a backup target usually does not exist yet).
    static func resolved(_ path: String) -> String {
        var existing = URL(fileURLWithPath: path).standardizedFileURL.path
        var rest: [String] = []
        while true {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                return ([String(cString: real)] + rest).joined(separator: "/").replacingOccurrences(of: "//", with: "/")
            }
            guard existing != "/" else { return path }
            rest.insert((existing as NSString).lastPathComponent, at: 0)
            existing = (existing as NSString).deletingLastPathComponent
        }
    }

    /// A reader in `awaitAcknowledgedWrites`, until the state holding `sequence` is published.
    struct PublicationWaiter {
        final class Token: Sendable {}
        let sequence: UInt64
        let token: Token
        let continuation: CheckedContinuation<Void, Never>
    }

    final class Published: Sendable {
        let value: State
        init(_ value: State) { self.value = value }
    }
}

/// One caller waiting for a checkpoint; the checkpoint's thread fills in the outcome under the store's lock.
final class CheckpointTicket: @unchecked Sendable {
    var outcome: Result<Void, any Error>?
}
