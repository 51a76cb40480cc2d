import Foundation

/// The sync thread: the writer hands it each batch once the batch is decided and applied; it writes the records of
/// every batch handed over meanwhile, encoding those the writer left unencoded, syncs them with one fdatasync, then
/// publishes the state after them and answers their callers, in order. The writer decides the next batches while a
/// sync is on its way (under load a sync took 0.2–3 ms, about as long as deciding a batch), so neither waits for
/// the other.
extension Store {
    /// A WAL record's change, and its payload when the writer encoded it (else the sync thread does:
    /// `DurableState.logPayloadSizeBound`).
    struct PendingRecord {
        var change: State.Change
        var payload: [UInt8]?
    }

    /// A batch decided and applied, its records not yet written; or a batch that has none, whose answers still wait
    /// for the batches ahead of it.
    struct AppliedBatch {
        /// The segment its records go to; nil when it has none.
        var file: (any AppendableFile)?
        /// That segment's first sequence number, and its records' first.
        var segmentFirst: UInt64 = 0
        var firstSequence: UInt64 = 0
        /// Its records, in order. When it carries no state, their changes are applied to the published state should
        /// a sync fail before the next publication (`publishAcknowledged`).
        var records: [PendingRecord] = []
        /// The state after it (and after the batches before it), published once they are on disk; nil when this
        /// batch is published later (see `Store.commitBatch`).
        var state: Published?
        var lastSequence: UInt64 = 0
        /// The callers whose changes it logged (or who needed none), in order: finished once it is durable, failed
        /// instead should its write or sync fail.
        var jobs: [CommitJob<State>] = []
        /// Callers refused when their change was decided (validation): answered in turn all the same.
        var failures: [(CommitJob<State>, any Error)] = []
    }

    /// On the writer thread: queues the batch for the sync thread, or publishes and answers it at once when it has no
    /// records and nothing ahead of it waits for a sync. Returns what the sync thread wrote since the writer last
    /// asked, and the segment's size after it.
    func handOver(_ batch: AppliedBatch) -> (bytes: Int, segmentSize: Int) {
        syncCondition.lock()
        let written = (bytesWrittenUnseen, writtenSize)
        bytesWrittenUnseen = 0
        if batch.file == nil && unsynced.isEmpty && !syncing {
            // Nothing ahead waits for a sync, but a write or sync ahead may have failed: then the batch was decided on
            // top of it, and neither its state nor its answers may go out as if it had not.
            condition.lock()
            let failure = healthState.readOnlyReason
            condition.unlock()
            let replaced = failure == nil ? publish([batch]) : nil
            syncCondition.unlock()
            answer(batch, failure: failure)
            withExtendedLifetime(replaced) {}
            return written
        }
        unsynced.append(batch)
        syncCondition.signal()
        syncCondition.unlock()
        return written
    }

    /// At a checkpoint, with every batch synced: the bytes written so far are in the segments it covers.
    func forgetBytesWritten() {
        syncCondition.lock()
        bytesWrittenUnseen = 0
        syncCondition.unlock()
    }

    /// Waits until every batch handed over is synced and answered; returns the segment's synced size.
    @discardableResult
    func waitUntilSynced() -> Int {
        syncCondition.lock()
        defer { syncCondition.unlock() }
        while !unsynced.isEmpty || syncing { syncCondition.wait() }
        return syncedSize
    }

    /// Lets the sync thread answer what is handed over, then end.
    func stopSyncing() {
        syncCondition.lock()
        syncerStopping = true
        syncCondition.broadcast()
        while !syncerDone { syncCondition.wait() }
        syncCondition.unlock()
    }

    func syncLoop() {
        while true {
            syncCondition.lock()
            while unsynced.isEmpty && !syncerStopping { syncCondition.wait() }
            if unsynced.isEmpty {
                syncerDone = true
                syncCondition.broadcast()
                syncCondition.unlock()
                return
            }
            let group = takeGroup()
            syncing = true
            syncCondition.unlock()

            let syncedSize = settle(group)

            syncCondition.lock()
            if let syncedSize { self.syncedSize = syncedSize }
            syncing = false
            syncCondition.broadcast()
            syncCondition.unlock()
        }
    }

    /// Under `syncCondition`: the batches handed over, oldest first, up to `maxBatchRecords` records (at least one
    /// batch), to be written with one `write` and synced with one sync.
    private func takeGroup() -> [AppliedBatch] {
        var records = 0
        var count = 0
        for batch in unsynced {
            records += batch.records.count
            if count > 0 && records > options.maxBatchRecords { break }
            count += 1
        }
        if count == unsynced.count {
            defer { unsynced.removeAll(keepingCapacity: true) }
            return unsynced
        }
        defer { unsynced.removeFirst(count) }
        return Array(unsynced.prefix(count))
    }

    /// Writes the group's records, syncs them once, publishes the state after them and answers its callers. Returns
    /// the segment's size now synced, or nil when nothing was.
    private func settle(_ group: [AppliedBatch]) -> Int? {
        condition.lock()
        var failure = healthState.readOnlyReason
        condition.unlock()
        guard failure == nil, let file = group.last(where: { $0.file != nil })?.file else {
            // Nothing to sync: a state handed over to be published, answers that waited for batches ahead of them.
            publishAndAnswer(group, failure: failure)
            return nil
        }
        let started = ContinuousClock.now
        do {
            let bytes = try records(of: group)
            try file.append(bytes)
            syncCondition.lock()
            writtenSize = file.size
            bytesWrittenUnseen += bytes.count
            syncCondition.unlock()
            try file.sync()
        } catch {
            // Never retry a failed write or sync and assume success: the data's fate is unknown, so refuse all writes.
            // The writer cuts what was not synced back off the segment once these are answered.
            failure = StorageUnavailable.reason(error)
            logger.critical("WAL write or sync failed; refusing writes until restart", metadata: ["error": "\(error)"])
            enterReadOnly(failure!)
        }
        let elapsed = ContinuousClock.now - started
        if elapsed > .milliseconds(Int(options.slowSyncWarning * 1000)) {
            // The group's encoding and write too: what its callers waited for beyond the writer's decision.
            logger.warning("slow WAL write and sync", metadata: ["duration": "\(elapsed)", "batches": "\(group.count)"])
        }
        publishAndAnswer(group, failure: failure)
        return failure == nil ? file.size : nil
    }

    /// The group's records, one buffer for one `write`.
    private func records(of group: [AppliedBatch]) throws -> [UInt8] {
        var bytes: [UInt8] = []
        // About a report's record each: grown from empty it was copied again and again.
        bytes.reserveCapacity(group.reduce(0) { $0 + $1.records.count } * 1024)
        for batch in group {
            // Through a buffer, by index: in generic code (debug builds; release builds specialise it for the state)
            // the array's subscript copied each change out (a retain and a release of each of its fields), and
            // `enumerated()`'s iterator went through metadata and witness tables for every record.
            try batch.records.withUnsafeBufferPointer { records in
                for offset in records.indices {
                    let payload = try records[offset].payload ?? State.logPayload(of: records[offset].change)
                    // The state's bound was wrong: the record could not be read back, so it is never written. (Refused
                    // before it was applied, as a change the writer encodes is, it would leave the store writable.)
                    guard payload.count <= WALRecord.maxPayload else {
                        throw ChangeTooLarge(bytes: payload.count, limit: WALRecord.maxPayload)
                    }
                    WALRecord.append(sequence: batch.firstSequence + UInt64(offset), segment: batch.segmentFirst,
                                     payload: payload, to: &bytes)
                }
            }
        }
        return bytes
    }

    /// Publishes the group's state (unless it failed) and answers its callers. The state this replaces is freed (when
    /// no reader holds it) after the answers are on their way and outside the lock every reader takes: freeing it is
    /// tens of microseconds the clients need not wait for.
    private func publishAndAnswer(_ group: [AppliedBatch], failure: String?) {
        let replaced = failure == nil ? publish(group) : nil
        for batch in group { answer(batch, failure: failure) }
        withExtendedLifetime(replaced) {}
    }

    /// After the group's sync: counts its writes as acknowledged and publishes the newest state it carries, waking the
    /// readers waiting for it. Returns the state replaced, to be freed outside the locks.
    private func publish(_ group: [AppliedBatch]) -> Published? {
        var newest: AppliedBatch?
        var acknowledged: UInt64?
        for batch in group {
            if batch.file != nil { acknowledged = batch.lastSequence }
            if batch.state != nil {
                newest = batch
                unpublishedRecords.removeAll(keepingCapacity: true)
            } else if !batch.records.isEmpty {
                unpublishedRecords.append(batch.records)
            }
        }
        return install(newest?.state, sequence: newest?.lastSequence, acknowledged: acknowledged)
    }

    /// Sets, under `condition`, the new acknowledged sequence and the state to publish (either may be nil), and wakes
    /// the readers the state satisfies.
    private func install(_ state: Published?, sequence: UInt64?, acknowledged: UInt64?) -> Published? {
        var replaced: Published?
        var woken: [CheckedContinuation<Void, Never>] = []
        condition.lock()
        if let acknowledged { acknowledgedSequence = acknowledged }
        if let state, let sequence {
            replaced = published
            published = state
            publishedSequence = sequence
            publicationWaiters.removeAll { waiter in
                guard waiter.sequence <= sequence else { return false }
                woken.append(waiter.continuation)
                return true
            }
            publicationWanted = publicationWanted && !publicationWaiters.isEmpty
        }
        condition.unlock()
        for continuation in woken { continuation.resume() }
        return replaced
    }

    /// On the writer thread, once a failed write or sync left the store read-only and every batch is answered: the
    /// writes acknowledged since the last publication would otherwise stay unseen until a restart. Applies them to
    /// the published state and publishes that.
    func publishAcknowledged() {
        syncCondition.lock()
        let batches = unpublishedRecords
        unpublishedRecords.removeAll()
        syncCondition.unlock()
        guard !batches.isEmpty else { return }
        condition.lock()
        var state = published.value
        let sequence = acknowledgedSequence
        condition.unlock()
        do {
            for records in batches {
                for record in records { try state.apply(record.change) }
            }
        } catch {
            // They were applied once already, by the writer: deterministic `apply` cannot throw now.
            logger.critical("acknowledged writes could not be published", metadata: ["error": "\(error)"])
        }
        let replaced = install(Published(state), sequence: sequence, acknowledged: nil)
        withExtendedLifetime(replaced) {}
    }

    /// `failure`: the write or sync of this batch or of one ahead of it failed. Then every caller of the batch is told storage
    /// is unavailable, those refused by their checks too: a refusal decided against a change that never became
    /// durable (a conflict with it) is no answer to give.
    private func answer(_ batch: AppliedBatch, failure: String?) {
        if let failure {
            for job in batch.jobs { job.fail(StorageUnavailable(reason: failure)) }
            for (job, _) in batch.failures { job.fail(StorageUnavailable(reason: failure)) }
        } else {
            for job in batch.jobs { job.finish() }
            for (job, error) in batch.failures { job.fail(error) }
        }
    }
}
