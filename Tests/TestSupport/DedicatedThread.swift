import Foundation

/// Runs blocking work (raw sockets, waiting on a process) on a thread of its own and awaits it. Blocking
/// inside an async test holds one of the few cooperative threads (two on a 2-core machine): with tests running
/// in parallel, that starves every other task, the servers' own shutdown among them.
public func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
