import Dispatch
import Foundation

/// Catches SIGTERM and SIGINT from the moment it is made and says which came first. Made before anything
/// else starts: a signal that arrives during start-up (or just after the listening line) then stops the
/// server gracefully once it runs, instead of killing it by the default action.
final class ShutdownSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var received: String?
    private var waiter: CheckedContinuation<String, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init() {
        let queue = DispatchQueue(label: "cleanheat.signals")
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [unowned self] in deliver(name) }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal's name: at once if one already came.
    func wait() async -> String {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let received {
                lock.unlock()
                continuation.resume(returning: received)
                return
            }
            waiter = continuation
            lock.unlock()
        }
    }

    private func deliver(_ name: String) {
        lock.lock()
        guard received == nil else {
            lock.unlock()
            return
        }
        received = name
        let waiting = waiter
        waiter = nil
        lock.unlock()
        waiting?.resume(returning: name)
    }
}
