import Foundation
import Logging
import Synchronization

// TEMPORARY in-memory stand-in so the domain compiles while the real engine is built on branch `storage`.
// Replaced wholesale by that branch's Store.swift at merge.
public struct StoreOptions: Sendable {
    public init() {}
}

public final class Store<State: DurableState>: @unchecked Sendable {
    private let lock = NSLock()
    private var state = State()

    public static func open(folder: URL, options: StoreOptions = StoreOptions(), logger: Logger) throws -> Store<State> {
        Store()
    }

    public func read<R>(_ body: (State) throws -> R) rethrows -> R {
        lock.lock(); defer { lock.unlock() }
        return try body(state)
    }

    public func commit<R: Sendable>(_ decide: @escaping @Sendable (State) throws -> CommitDecision<State.Change, R>) async throws -> R {
        try lock.withLock {
            switch try decide(state) {
            case .noWrite(let result): return result
            case .write(let change, let result):
                try state.apply(change)
                return result
            }
        }
    }

    public var health: StorageHealth { .writable }
    public func checkpoint() throws {}
    public func close() throws {}
    public func backup(to directory: URL) throws {}
}
