import Dispatch
import Foundation

/// Waits for SIGTERM or SIGINT and says which came.
enum ShutdownSignal {
    static func wait() async -> String {
        await withCheckedContinuation { continuation in
            let queue = DispatchQueue(label: "cleanheat.signals")
            let once = Once()
            var sources: [any DispatchSourceSignal] = []
            for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler {
                    if once.claim() { continuation.resume(returning: name) }
                }
                source.resume()
                sources.append(source)
            }
            Retained.sources = sources
        }
    }

    private final class Once: @unchecked Sendable {
        private var done = false
        private let lock = NSLock()
        func claim() -> Bool { lock.withLock { defer { done = true }; return !done } }
    }

    /// Signal sources must outlive the wait.
    private enum Retained { nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = [] }
}
