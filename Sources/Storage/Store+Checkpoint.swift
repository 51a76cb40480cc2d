import CThreadName
import Foundation

/// Checkpoints: a snapshot of the published state written beside the WAL, then the segments it covers removed.
/// Started by the writer thread between batches, written by a thread of their own while writes go on.
extension Store {
    /// The sequence number the newest finished checkpoint covers, once none is running. For tests.
    func settledCheckpointSequence() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        while checkpointRunning { condition.wait() }
        return lastCheckpointSequence
    }

    /// Writes a snapshot of the state now and drops the WAL segments it covers. Returns when done.
    public func checkpoint() throws {
        let ticket = CheckpointTicket()
        condition.lock()
        guard !writerDone && !stopping else {
            condition.unlock()
            throw StoreError.closed
        }
        checkpointTickets.append(ticket)
        condition.broadcast()
        while ticket.outcome == nil && !writerDone { condition.wait() }
        condition.unlock()
        if case .failure(let error) = ticket.outcome { throw error }
    }

    /// On the writer thread, between batches: when a checkpoint is asked for or due and none is running, roll to a
    /// new segment and hand the state as of now to a checkpoint thread. Writes go on while it is written.
    /// `writerIdle`: the writer has had no job for `idlePublicationDelay`; else a checkpoint may be put off
    /// (`checkpointDeferFactor`).
    func startCheckpointIfDue(writerIdle: Bool = false) {
        condition.lock()
        let schedule = checkpointSchedule(writerIdle: writerIdle)
        condition.unlock()
        checkpointPutOff = schedule.putOff
        guard schedule.due else { return }
        // The snapshot is of the published state and covers every record before the new segment: so every batch
        // written is synced and published first. (A sync failing meanwhile makes the store read-only: checked below.)
        publishWorkingState()
        waitUntilSynced()
        condition.lock()
        let tickets = checkpointTickets
        checkpointTickets.removeAll()
        if case .readOnly(let reason) = healthState {
            // A checkpoint would begin a new segment behind a batch that failed to be written: the torn record would
            // then sit in a segment that is not the last, which recovery must call corruption.
            for ticket in tickets { ticket.outcome = .failure(StorageUnavailable(reason: reason)) }
            condition.broadcast()
            condition.unlock()
            return
        }
        let state = published.value
        let sequence = publishedSequence
        let checkedThrough = linkedFilesCheckedThrough
        let unchanged = sequence == lastCheckpointSequence && recordsSinceCheckpoint == 0
        if unchanged {
            condition.unlock()
            // Nothing new to write, but a crash after an earlier snapshot may have left files it covers: they go now,
            // not only after the next write (a damaged one would be warned about at every start until then).
            let outcome = Result { try removeCovered(upTo: sequence) }
            condition.lock()
            for ticket in tickets { ticket.outcome = outcome }
            condition.broadcast()
            condition.unlock()
            return
        }
        checkpointRunning = true
        condition.unlock()
        do {
            if segment.size > 0 { try rollSegment() }
        } catch {
            finishCheckpoint(tickets, sequence: nil, outcome: .failure(error))
            return
        }
        recordsSinceCheckpoint = 0
        bytesSinceCheckpoint = 0
        forgetBytesWritten() // into the segments this checkpoint covers
        let thread = Thread { [self] in
            _ = cthreadname_set("checkpoint") // for top -H and perf
            // Below the request threads: on a small machine a snapshot's encoding otherwise takes the CPU that
            // answering writes needs. A checkpoint that came due runs at the lowest priority, one someone waits for
            // (a stop, `cleanheat checkpoint`) a little above it. Under 64-client report POSTs, with a checkpoint
            // due in each 8 s run, nice 19 answered more than 10 in 6 of 8 alternating pairs (medians 19.2k/s
            // against 18.6k/s; without any checkpoint ~12 % more).
            // (On Linux, who 0 is the calling thread alone.)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, tickets.isEmpty ? 19 : 10)
            let started = ContinuousClock.now
            do {
                let written = try Snapshot.write(try state.snapshotFiles(), sequence: sequence, into: folder, fileSystem: fileSystem,
                                                 linking: true, checkedThrough: checkedThrough,
                                                 failpoint: options.failpoint ?? { _ in })
                if let linkedFrom = written.linkedFrom {
                    let from = "\(Snapshot.name(linkedFrom)) (removed after this checkpoint)"
                    for (file, problem) in written.damaged.sorted(by: { $0.key < $1.key }) {
                        logger.warning("a snapshot file read back before it was linked did not check out; written anew from memory",
                                       metadata: ["file": "\(file)", "in": "\(from)", "problem": "\(problem)"])
                    }
                    if let (file, problem) = written.notLinked.min(by: { $0.key < $1.key }) {
                        logger.warning("snapshot files could not be linked, so every checkpoint writes them all again",
                                       metadata: ["files": "\(written.notLinked.count)", "first": "\(file)", "problem": "\(problem)"])
                    }
                }
                try removeCovered(upTo: sequence)
                logger.info("checkpoint written", metadata: ["sequence": "\(sequence)", "bytes": "\(written.bytes)",
                                                             "linked": "\(written.linked)", "checkedBytes": "\(written.checkedBytes)",
                                                             "duration": "\(ContinuousClock.now - started)"])
                finishCheckpoint(tickets, sequence: sequence, written: written, outcome: .success(()))
            } catch {
                logger.error("checkpoint failed", metadata: ["error": "\(error)"])
                // Failed on the disk (full, most likely): the partial snapshot goes now rather than at the next start,
                // or its megabytes would keep the WAL from the room it needs.
                if error is FileSystemError { try? fileSystem.remove(folder + "/" + Snapshot.name(sequence) + ".tmp") }
                finishCheckpoint(tickets, sequence: nil, outcome: .failure(error))
            }
        }
        thread.start()
    }

    private func finishCheckpoint(_ tickets: [CheckpointTicket], sequence: UInt64?, written: SnapshotWriteOutcome? = nil,
                                  outcome: Result<Void, any Error>) {
        condition.lock()
        if let sequence, let written {
            lastCheckpointSequence = sequence
            lastUnsealedSnapshotBytes = written.unsealedBytes
            linkedFilesCheckedThrough = written.checkedThrough ?? linkedFilesCheckedThrough
        } else {
            // The WAL it would have covered is still there: wait only for the minimums before trying again.
            lastUnsealedSnapshotBytes = 0
        }
        checkpointRunning = false
        for ticket in tickets { ticket.outcome = outcome }
        condition.broadcast()
        condition.unlock()
    }

    /// Whether a checkpoint is due now, or due but put off while the writer is busy (read under `condition`).
    private func checkpointSchedule(writerIdle: Bool) -> (due: Bool, putOff: Bool) {
        guard !checkpointRunning else { return (false, false) }
        if !checkpointTickets.isEmpty { return (true, false) }
        let walIsLargeEnough = Double(bytesSinceCheckpoint) >= options.checkpointWALShareOfSnapshot * Double(lastUnsealedSnapshotBytes)
        func walPasses(_ factor: Double) -> Bool {
            walIsLargeEnough && (Double(recordsSinceCheckpoint) >= Double(options.checkpointEveryRecords) * factor
                                 || Double(bytesSinceCheckpoint) >= Double(options.checkpointEveryBytes) * factor)
        }
        guard walPasses(1) else { return (false, false) }
        if writerIdle || walPasses(max(1, options.checkpointDeferFactor)) { return (true, false) }
        // Read-only, no checkpoint will be taken: none is waited for either (the writer would wake for it forever).
        return (false, healthState.readOnlyReason == nil)
    }

    /// Old snapshots and the segments whose records a snapshot covers are no longer needed.
    private func removeCovered(upTo sequence: UInt64) throws {
        // Failpoints before the first removal and after the first removed file: the tests crash (and cut power)
        // with all, none and some of the covered files gone.
        let failpoint = options.failpoint ?? { _ in }
        var removedAny = false
        func remove(_ path: String) throws {
            try fileSystem.remove(path)
            if !removedAny {
                removedAny = true
                try failpoint("checkpoint.removed-some")
            }
        }
        try failpoint("checkpoint.removing")
        for name in try fileSystem.list(folder) {
            if let old = Snapshot.sequence(ofName: name), old < sequence { try remove(folder + "/" + name) }
        }
        // The newest segment is the one being appended to: never removed. Any other is covered when the next
        // one begins at or before the first sequence the snapshot does not hold.
        let segments = try fileSystem.list(walFolder).compactMap(Recovery.segmentFirst(ofName:)).sorted()
        for (first, next) in zip(segments, segments.dropFirst()) where Recovery.snapshot(at: sequence, coversSegmentFollowedBy: next) {
            try remove(Self.segmentPath(walFolder: walFolder, first))
        }
        try fileSystem.syncDirectory(walFolder)
        try fileSystem.syncDirectory(folder)
    }
}
