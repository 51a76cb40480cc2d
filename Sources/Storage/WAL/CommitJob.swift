/// One writer waiting in the group-commit queue. The writer thread decides it against the state, then the sync
/// thread answers it: `finish` once its record (or the batch ahead of it) is durable, or `fail`.
/// (A class per caller's result type, not closures: three closure contexts per commit were three allocations.)
class CommitJob<State: DurableState>: @unchecked Sendable {
    /// Decides against the latest state: the change to log and apply, or nil when there is nothing to log. A
    /// thrown error is the writer's answer and writes nothing.
    func decide(_ state: State) throws -> State.Change? { fatalError("CommitJob.decide is abstract") }
    /// Answers the writer with what `decide` chose.
    func finish() { fatalError("CommitJob.finish is abstract") }
    /// Answers the writer with an error (validation, or storage unavailable).
    func fail(_ error: any Error) { fatalError("CommitJob.fail is abstract") }
}

/// How a commit's caller waits. Checked in debug builds, which the tests run, so that a job answered twice traps there
/// (one never answered is logged as a leaked continuation, and its test hangs); unchecked in release, where the checked
/// kind's allocation and atomics came with every write.
#if DEBUG
typealias CommitContinuation<R: Sendable> = CheckedContinuation<R, any Error>

func withCommitContinuation<R: Sendable>(_ body: (CommitContinuation<R>) -> Void) async throws -> R {
    try await withCheckedThrowingContinuation(body)
}
#else
typealias CommitContinuation<R: Sendable> = UnsafeContinuation<R, any Error>

func withCommitContinuation<R: Sendable>(_ body: (CommitContinuation<R>) -> Void) async throws -> R {
    try await withUnsafeThrowingContinuation(body)
}
#endif

/// A commit whose caller awaits an `R`.
final class ResultCommitJob<State: DurableState, R: Sendable>: CommitJob<State>, @unchecked Sendable {
    private let body: @Sendable (State) throws -> CommitDecision<State.Change, R>
    private let continuation: CommitContinuation<R>
    /// Set by `decide` on the writer thread, read by `finish` on the sync thread after the hand-over's lock.
    private var result: R?

    init(_ body: @escaping @Sendable (State) throws -> CommitDecision<State.Change, R>, continuation: CommitContinuation<R>) {
        self.body = body
        self.continuation = continuation
    }

    override func decide(_ state: State) throws -> State.Change? {
        // Consumed: matched on a borrowed decision, the change was copied out of it and the decision then destroyed
        // (a retain and a release of each of its fields, on the writer's thread).
        let decision = try body(state)
        switch consume decision {
        case .write(let change, let result):
            self.result = result
            return change
        case .noWrite(let result):
            self.result = result
            return nil
        }
    }

    override func finish() {
        guard let result else { preconditionFailure("a commit answered before it was decided") }
        continuation.resume(returning: result)
    }

    override func fail(_ error: any Error) { continuation.resume(throwing: error) }
}
