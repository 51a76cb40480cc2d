import CThreadName
import Foundation
import Logging

/// A durable value: recovered from the newest snapshot plus the WAL after it, changed only by logged changes.
/// Writers queue; one thread decides, logs, syncs once per batch (group commit), publishes and answers.
public final class Store<State: DurableState>: @unchecked Sendable {
    let folder: String
    let fileSystem: any FileSystem
    let options: StoreOptions
    let logger: Logger
    private let folderLock: DataFolderLock

    /// Guards everything below it. (Internal, not private: the checkpoint half lives in Store+Checkpoint.swift.)
    let condition = NSCondition()
    /// The latest durable state, boxed: a reader retains one reference instead of every collection in the
    /// state (those retains, contended between the loops, were a third of authenticating a request).
    var published: Published
    var publishedSequence: UInt64
    var healthState = StorageHealth.writable
    private var queue: [CommitJob<State>] = []
    var checkpointTickets: [CheckpointTicket] = []
    var stopping = false
    var writerDone = false
    var checkpointRunning = false
    var lastCheckpointSequence: UInt64
    /// One online backup at a time: two into the same folder (a retry, a double click) deleted each other's files.
    private var backupRunning = false
    var lastSnapshotBytes: Int

    // Owned by the writer thread.
    var segment: any AppendableFile
    private var segmentFirst: UInt64
    private var nextSequence: UInt64
    var recordsSinceCheckpoint = 0
    var bytesSinceCheckpoint = 0

    var walFolder: String { folder + "/wal" }

    private init(folder: String, fileSystem: any FileSystem, options: StoreOptions, logger: Logger, lock: DataFolderLock,
                 recovered: Recovery.Result<State>) throws {
        self.folder = folder
        self.fileSystem = fileSystem
        self.options = options
        self.logger = logger
        self.folderLock = lock
        self.published = Published(recovered.state)
        self.publishedSequence = recovered.lastSequence
        self.nextSequence = recovered.lastSequence + 1
        self.lastCheckpointSequence = recovered.snapshotSequence
        self.lastSnapshotBytes = recovered.snapshotBytes
        self.recordsSinceCheckpoint = Int(recovered.lastSequence - recovered.snapshotSequence)
        if let last = recovered.lastSegment {
            self.segmentFirst = last
            self.segment = try fileSystem.openForAppend(Self.segmentPath(walFolder: folder + "/wal", last))
        } else {
            self.segmentFirst = recovered.lastSequence + 1
            self.segment = try fileSystem.openForAppend(Self.segmentPath(walFolder: folder + "/wal", segmentFirst))
            try fileSystem.syncDirectory(folder + "/wal")
            // A new folder's `wal/` entry too: without it a power cut before the first checkpoint could take the
            // whole WAL, acknowledged records and all.
            try fileSystem.syncDirectory(folder)
        }
        // All of the WAL since the snapshot, not just the newest segment: after a crash it may span many.
        self.bytesSinceCheckpoint = recovered.walBytes
        let thread = Thread { [weak self] in
            _ = cthreadname_set("wal-writer") // for top -H and perf
            self?.writerLoop()
        }
        thread.qualityOfService = .userInitiated
        thread.start()
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

    /// The latest durable state: never a change whose record is not yet on disk.
    public func read<R>(_ body: (State) throws -> R) rethrows -> R {
        condition.lock()
        let state = published
        condition.unlock()
        return try body(state.value)
    }

    public var health: StorageHealth {
        condition.lock()
        defer { condition.unlock() }
        return healthState
    }

    // MARK: Writing

    public func commit<R: Sendable>(_ decide: @escaping @Sendable (State) throws -> CommitDecision<State.Change, R>) async throws -> R {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<R, any Error>) in
            let job = CommitJob<State>(decide: { state in
                switch try decide(state) {
                case .write(let change, let result): return .write(change, finish: { continuation.resume(returning: result) })
                case .noWrite(let result): return .noWrite(finish: { continuation.resume(returning: result) })
                }
            }, fail: { continuation.resume(throwing: $0) })
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
            while queue.isEmpty && (checkpointTickets.isEmpty || checkpointRunning) && !stopping { condition.wait() }
            if queue.isEmpty && stopping {
                // A checkpoint still being written must finish before the folder is released.
                while checkpointRunning { condition.wait() }
                let orphans = checkpointTickets
                checkpointTickets.removeAll()
                for ticket in orphans { ticket.outcome = .failure(StoreError.closed) }
                writerDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = Array(queue.prefix(options.maxBatchRecords))
            queue.removeFirst(batch.count)
            let readOnlyReason: String? = if case .readOnly(let reason) = healthState { reason } else { nil }
            var working = published.value
            condition.unlock()

            if let readOnlyReason {
                for job in batch { job.fail(StorageUnavailable(reason: readOnlyReason)) }
            } else if !batch.isEmpty {
                commitBatch(batch, working: &working)
            }
            startCheckpointIfDue()
        }
    }

    private func commitBatch(_ batch: [CommitJob<State>], working: inout State) {
        var bytes: [UInt8] = []
        var answers: [() -> Void] = []
        var failures: [(CommitJob<State>, any Error)] = []
        var written: [CommitJob<State>] = []
        let firstSequence = nextSequence
        // The state this batch replaces, freed (when no reader holds it) after the answers are on their way and
        // outside the lock every reader takes: freeing it is tens of microseconds the clients need not wait for.
        var replaced: Published?
        for job in batch {
            do {
                switch try job.decide(working) {
                case .write(let change, let finish):
                    let payload = try State.logPayload(of: change)
                    guard payload.count <= WALRecord.maxPayload else {
                        throw ChangeTooLarge(bytes: payload.count, limit: WALRecord.maxPayload)
                    }
                    try working.apply(change)
                    WALRecord.append(sequence: nextSequence, segment: segmentFirst, payload: payload, to: &bytes)
                    nextSequence += 1
                    answers.append(finish)
                    written.append(job)
                case .noWrite(let finish):
                    answers.append(finish)
                    written.append(job)
                }
            } catch {
                failures.append((job, error))
            }
        }
        if nextSequence > firstSequence {
            let started = ContinuousClock.now
            let sizeBefore = segment.size
            do {
                try segment.append(bytes)
                try segment.sync()
            } catch {
                // Never retry a failed sync and assume success: the data's fate is unknown, so refuse all writes.
                let reason = StorageUnavailable.reason(error)
                logger.critical("WAL write failed; refusing writes until restart", metadata: ["error": "\(error)"])
                condition.lock()
                healthState = .readOnly(reason: reason)
                condition.unlock()
                // Best effort: take the unacknowledged batch (a torn record on a full disk) back off the segment. Should
                // it stay, it is still the last segment's tail, which recovery cuts; no segment is begun behind it.
                try? fileSystem.truncate(Self.segmentPath(walFolder: walFolder, segmentFirst), to: sizeBefore)
                nextSequence = firstSequence
                for job in written { job.fail(StorageUnavailable(reason: reason)) }
                for (job, error) in failures { job.fail(error) }
                return
            }
            let elapsed = ContinuousClock.now - started
            if elapsed > .milliseconds(Int(options.slowSyncWarning * 1000)) {
                logger.warning("slow WAL sync", metadata: ["duration": "\(elapsed)", "records": "\(nextSequence - firstSequence)"])
            }
            recordsSinceCheckpoint += Int(nextSequence - firstSequence)
            bytesSinceCheckpoint += bytes.count
            condition.lock()
            replaced = published
            published = Published(working)
            publishedSequence = nextSequence - 1
            condition.unlock()
            if segment.size >= options.segmentMaxBytes { try? rollSegment() }
        }
        for answer in answers { answer() }
        for (job, error) in failures { job.fail(error) }
        withExtendedLifetime(replaced) {}
    }

    func rollSegment() throws {
        // The new segment opens first: should that fail (no descriptors, no room), the old one, still open, goes on
        // taking records. Closed first, its descriptor number was written through after the kernel had reused it.
        let first = nextSequence
        let next = try fileSystem.openForAppend(Self.segmentPath(walFolder: walFolder, first))
        segment.close()
        segment = next
        segmentFirst = first
        do {
            try fileSystem.syncDirectory(walFolder)
        } catch {
            // Records synced into a segment whose directory entry is not could vanish with a power cut.
            let reason = StorageUnavailable.reason(error)
            logger.critical("WAL folder sync failed; refusing writes until restart", metadata: ["error": "\(error)"])
            condition.lock()
            healthState = .readOnly(reason: reason)
            condition.unlock()
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

    /// A consistent copy of the state as of now, as a data folder that `open` and `verify` accept.
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

    final class Published: Sendable {
        let value: State
        init(_ value: State) { self.value = value }
    }
}

/// One caller waiting for a checkpoint; the checkpoint's thread fills in the outcome under the store's lock.
final class CheckpointTicket: @unchecked Sendable {
    var outcome: Result<Void, any Error>?
}
