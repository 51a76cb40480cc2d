import Dispatch
import Foundation

/// Catches SIGTERM, SIGINT and SIGHUP (the terminal closing) from the moment it is made and says which came first.
/// Made before anything else starts: a signal that arrives during start-up (or just after the listening line) then
/// stops the server gracefully once it runs, instead of killing it by the default action. A second one, while the
/// server drains, goes to `onRepeat` (an operator pressing Ctrl-C again wants it to stop now).
final class ShutdownSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var received: String?
    private var waiter: CheckedContinuation<String, Never>?
    private var repeatHandler: (@Sendable (String) -> Void)?
    /// A second signal that came before `onRepeat` was set (during recovery, say): delivered when it is.
    private var earlyRepeat: String?
    private var sources: [any DispatchSourceSignal] = []

    init() {
        let queue = DispatchQueue(label: "cleanheat.signals")
        // SIGHUP already ignored is the caller's wish (`nohup`): the server is to outlive the terminal.
        let hangupIgnored = Self.isIgnored(SIGHUP)
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT"), (SIGHUP, "SIGHUP")] where !(number == SIGHUP && hangupIgnored) {
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

    /// Called with each signal after the first.
    func onRepeat(_ handler: @escaping @Sendable (String) -> Void) {
        lock.lock()
        repeatHandler = handler
        let early = earlyRepeat
        earlyRepeat = nil
        lock.unlock()
        if let early { handler(early) }
    }

    private static func isIgnored(_ number: Int32) -> Bool {
        var current = sigaction()
        sigaction(number, nil, &current)
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == 1 // SIG_IGN
    }

    private func deliver(_ name: String) {
        lock.lock()
        guard received == nil else {
            let handler = repeatHandler
            if handler == nil { earlyRepeat = name }
            lock.unlock()
            handler?(name)
            return
        }
        received = name
        let waiting = waiter
        waiter = nil
        lock.unlock()
        waiting?.resume(returning: name)
    }
}
