/// One writer waiting in the group-commit queue.
final class CommitJob<State: DurableState>: @unchecked Sendable {
    enum Outcome {
        /// Log and apply this change; `finish` answers the writer once it is durable.
        case write(State.Change, finish: () -> Void)
        /// Nothing to log; answer after the batch ahead of it is durable.
        case noWrite(finish: () -> Void)
    }

    /// Decides against the latest state; a thrown error is the writer's answer and writes nothing.
    let decide: (State) throws -> Outcome
    /// Answers the writer with an error (validation, or storage unavailable).
    let fail: (any Error) -> Void

    init(decide: @escaping (State) throws -> Outcome, fail: @escaping (any Error) -> Void) {
        self.decide = decide
        self.fail = fail
    }
}
