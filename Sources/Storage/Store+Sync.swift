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
        /// The state after it (and after the batches before it), published once they are on disk; nil when this
        /// batch is published later (see `Store.commitBatch`).
        var state: Published?
        /// Its changes, when it carries no state.
        var changes: [State.Change] = []
        var lastSequence: UInt64 = 0
        /// The segment's size after its records.
        var endSize = 0
        /// The callers whose changes it logged (or who needed none), in order: finished once it is durable, failed
        /// instead should the sync fail.
        var jobs: [CommitJob<State>] = []
        /// Callers refused when their change was decided (validation): answered in turn all the same.
        var failures: [(CommitJob<State>, any Error)] = []
    }

    /// On the writer thread: queues the batch for the sync thread, or publishes and answers it at once when it wrote
    /// nothing and nothing ahead of it waits for a sync.
    func handOver(_ batch: WrittenBatch) {
        syncCondition.lock()
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
        guard failure == nil, let last = group.last(where: { $0.file != nil }), let file = last.file else {
            // Nothing to sync: a state handed over to be published, answers that waited for batches ahead of them.
            publishAndAnswer(group, failure: failure)
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
        publishAndAnswer(group, failure: failure)
        return failure == nil ? last.endSize : nil
    }

    /// Publishes the group's state (unless it failed) and answers its callers. The state this replaces is freed (when
    /// no reader holds it) after the answers are on their way and outside the lock every reader takes: freeing it is
    /// tens of microseconds the clients need not wait for.
    private func publishAndAnswer(_ group: [WrittenBatch], failure: String?) {
        let replaced = failure == nil ? publish(group) : nil
        for batch in group { answer(batch, failure: failure) }
        withExtendedLifetime(replaced) {}
    }

    /// After the group's sync: counts its writes as acknowledged and publishes the newest state it carries, waking the
    /// readers waiting for it. Returns the state replaced, to be freed outside the locks.
    private func publish(_ group: [WrittenBatch]) -> Published? {
        var newest: WrittenBatch?
        var acknowledged: UInt64?
        for batch in group {
            if batch.file != nil { acknowledged = batch.lastSequence }
            if batch.state != nil {
                newest = batch
                unpublishedChanges.removeAll(keepingCapacity: true)
            } else {
                unpublishedChanges.append(contentsOf: batch.changes)
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
        let changes = unpublishedChanges
        unpublishedChanges.removeAll()
        syncCondition.unlock()
        guard !changes.isEmpty else { return }
        condition.lock()
        var state = published.value
        let sequence = acknowledgedSequence
        condition.unlock()
        do {
            for change in changes { try state.apply(change) }
        } catch {
            // They were applied once already, by the writer: deterministic `apply` cannot throw now.
            logger.critical("acknowledged writes could not be published", metadata: ["error": "\(error)"])
        }
        let replaced = install(Published(state), sequence: sequence, acknowledged: nil)
        withExtendedLifetime(replaced) {}
    }

    /// `failure`: the sync of this batch or of one ahead of it failed. Then every caller of the batch is told storage
    /// is unavailable, those refused by their checks too: a refusal decided against a change that never became
    /// durable (a conflict with it) is no answer to give.
    private func answer(_ batch: WrittenBatch, failure: String?) {
        if let failure {
            for job in batch.jobs { job.fail(StorageUnavailable(reason: failure)) }
            for (job, _) in batch.failures { job.fail(StorageUnavailable(reason: failure)) }
        } else {
            for job in batch.jobs { job.finish() }
            for (job, error) in batch.failures { job.fail(error) }
        }
    }
}
