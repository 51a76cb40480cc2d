import Foundation

/// The sync thread: the writer hands it each batch once the batch's records are written; it syncs every batch
/// handed over meanwhile with one fdatasync, then publishes the state after them and answers their callers, in
/// order. The writer decides the next batches while a sync is on its way (under load a sync took 0.2–3 ms, about
/// as long as deciding a batch), so neither waits for the other.
extension Store {
    /// A batch written to the WAL, not yet synced; or a batch that wrote nothing, whose answers still wait for the
    /// batches ahead of it.
    struct WrittenBatch {
        /// The segment its records went to; nil when it wrote none.
        var file: (any AppendableFile)?
        /// The state after it, published once it is on disk.
        var state: Published?
        var lastSequence: UInt64 = 0
        /// The segment's size after its records.
        var endSize = 0
        /// Answers the callers whose changes it logged (or who needed none), in order.
        var answers: [() -> Void] = []
        /// The same callers, failed instead should the sync fail.
        var jobs: [CommitJob<State>] = []
        /// Callers refused when their change was decided (validation): answered in turn all the same.
        var failures: [(CommitJob<State>, any Error)] = []
    }

    /// On the writer thread: queues the batch for the sync thread, or answers it at once when it wrote nothing and
    /// nothing ahead of it waits for a sync.
    func handOver(_ batch: WrittenBatch) {
        syncCondition.lock()
        if batch.file == nil && unsynced.isEmpty && !syncing {
            syncCondition.unlock()
            answer(batch, failure: nil)
            return
        }
        unsynced.append(batch)
        syncCondition.signal()
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
            let group = unsynced
            unsynced.removeAll(keepingCapacity: true)
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

    /// Syncs the group's records once, publishes the state after them and answers its callers. Returns the segment's
    /// size now synced, or nil when nothing was.
    private func settle(_ group: [WrittenBatch]) -> Int? {
        condition.lock()
        var failure = healthState.readOnlyReason
        condition.unlock()
        guard failure == nil, let last = group.last(where: { $0.file != nil }), let file = last.file, let state = last.state else {
            for batch in group { answer(batch, failure: failure) }
            return nil
        }
        let started = ContinuousClock.now
        do {
            try file.sync()
        } catch {
            // Never retry a failed sync and assume success: the data's fate is unknown, so refuse all writes. The
            // writer cuts what was not synced back off the segment once these are answered.
            failure = StorageUnavailable.reason(error)
            logger.critical("WAL sync failed; refusing writes until restart", metadata: ["error": "\(error)"])
            enterReadOnly(failure!)
        }
        let elapsed = ContinuousClock.now - started
        if elapsed > .milliseconds(Int(options.slowSyncWarning * 1000)) {
            logger.warning("slow WAL sync", metadata: ["duration": "\(elapsed)", "batches": "\(group.count)"])
        }
        // The state this replaces, freed (when no reader holds it) after the answers are on their way and outside
        // the lock every reader takes: freeing it is tens of microseconds the clients need not wait for.
        var replaced: Published?
        if failure == nil {
            condition.lock()
            replaced = published
            published = state
            publishedSequence = last.lastSequence
            condition.unlock()
        }
        for batch in group { answer(batch, failure: failure) }
        withExtendedLifetime(replaced) {}
        return failure == nil ? last.endSize : nil
    }

    /// `failure`: the sync of this batch or of one ahead of it failed. Then every caller of the batch is told storage
    /// is unavailable, those refused by their checks too: a refusal decided against a change that never became
    /// durable (a conflict with it) is no answer to give.
    private func answer(_ batch: WrittenBatch, failure: String?) {
        if let failure {
            for job in batch.jobs { job.fail(StorageUnavailable(reason: failure)) }
            for (job, _) in batch.failures { job.fail(StorageUnavailable(reason: failure)) }
        } else {
            for answer in batch.answers { answer() }
            for (job, error) in batch.failures { job.fail(error) }
        }
    }
}
