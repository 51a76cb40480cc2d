import CEpoll
import CThreadName
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What an event loop calls on its own thread for one registered socket.
protocol EventLoopHandler: AnyObject {
    /// `peerHungUp`: the event says the peer has closed its side (EPOLLRDHUP or EPOLLHUP).
    func readable(peerHungUp: Bool)
    func writable()
    /// Called about every `EventLoop.tick`: the place for timeouts.
    func tick(now: DispatchTime)
}

/// One I/O thread: `epoll` over its sockets, closures handed over from other threads, and a coarse timer
/// sweep. Dispatch read sources re-arm through libdispatch's manager thread after every event; that hop
/// cost more CPU than the request itself, so connections live on a small fixed set of these loops instead.
final class EventLoop: TaskExecutor, @unchecked Sendable {
    static let tick: DispatchTimeInterval = .milliseconds(100)
    /// How long the loop keeps looking for events without sleeping after it had some (busy polling).
    private let spinNanoseconds: UInt64
    /// Busy polling is for a loop serving this many connections or fewer.
    static let busyPollMaxConnections = 8
    /// ...and for events that come while requests are moving: within this long of a head completed or an answer
    /// queued. Bytes alone do not count: a few clients trickling heads a byte at a time kept both loops spinning
    /// at full CPU.
    static let busyPollAfterProgressNanoseconds: UInt64 = 10_000_000
    /// When a connection of this loop last completed a head or queued an answer (loop thread only).
    private var lastRequestProgress: UInt64 = 0

    private let epoll: Int32
    private let wakeup: Int32
    private let lock = NSLock()
    /// Work handed to the loop, in order: closures, and the jobs of tasks that run here (kept as they are, since
    /// wrapping each in a closure was an allocation per job, two per request).
    private enum Work {
        case closure(() -> Void)
        case job(UnownedJob)
    }
    private var queued: [Work] = []
    /// The loop's thread swaps this with `queued` to run what was queued: copying the queue out and emptying it
    /// in place allocated a new buffer at every turn.
    private var running: [Work] = []
    private var stopping = false
    private var finished = false
    /// Only touched on the loop's thread.
    private var handlers: [Int32: any EventLoopHandler] = [:]
    /// Where this loop's connections read into, on its thread only: one buffer per loop instead of one
    /// allocation per readable event.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    /// Set once by the loop's thread before it handles anything.
    private nonisolated(unsafe) var loopThread: pthread_t?

    init(name: String, busyPoll: TimeInterval = 0) throws {
        spinNanoseconds = UInt64(max(0, busyPoll) * 1e9)
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeup = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard epoll >= 0, wakeup >= 0 else { throw SocketError(call: "epoll_create1/eventfd", errno: errno) }
        var event = Self.event(wakeup, reading: true, writing: false)
        _ = epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event)
        let thread = Thread { [self] in
            _ = cthreadname_set(String(decoding: name.utf8.prefix(15), as: UTF8.self)) // for top -H and perf
            pollUntilStopped()
        }
        thread.stackSize = 8 << 20 // handlers run here too (a province bulletin, JSON encoding): a full-size stack
        thread.start()
    }

    deinit { readBuffer.deallocate() }

    /// Runs `work` on the loop's thread, after the events it is handling now.
    /// After `stop()` work is dropped: the loop's sockets are gone, and its eventfd number may already belong
    /// to another file that a stray write would corrupt.
    func execute(_ work: @escaping () -> Void) {
        queue(.closure(work))
    }

    private func queue(_ work: Work) {
        let fromLoop = inLoop
        lock.withLock {
            guard !finished else { return }
            queued.append(work)
            // The loop drains its queue before it sleeps again: only another thread needs to wake it.
            if queued.count == 1 && !fromLoop { eventfd_write(wakeup, 1) }
        }
    }

    /// True on the loop's own thread.
    var inLoop: Bool {
        guard let loopThread else { return false }
        return pthread_equal(loopThread, pthread_self()) != 0
    }

    /// Runs `work` now when already on the loop's thread, else queues it.
    func run(_ work: @escaping () -> Void) {
        if inLoop { work() } else { execute(work) }
    }

    /// Handlers run here too: a request that does not wait on anything is answered without leaving the
    /// loop's thread (a hop to another thread and back cost more than a small request itself). A handler
    /// that suspends (a durable write waits for its fsync) resumes here when it can.
    func enqueue(_ job: consuming ExecutorJob) {
        queue(.job(UnownedJob(job)))
    }

    /// Stops the thread once the closures queued so far have run; sockets still registered are not closed.
    func stop() {
        execute { [self] in stopping = true }
    }

    // MARK: On the loop's thread

    func register(_ descriptor: Int32, _ handler: any EventLoopHandler, reading: Bool, writing: Bool) {
        handlers[descriptor] = handler
        var event = Self.event(descriptor, reading: reading, writing: writing)
        _ = epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event)
    }

    func update(_ descriptor: Int32, reading: Bool, writing: Bool) {
        var event = Self.event(descriptor, reading: reading, writing: writing)
        _ = epoll_ctl(epoll, EPOLL_CTL_MOD, descriptor, &event)
    }

    func deregister(_ descriptor: Int32) {
        handlers[descriptor] = nil
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, descriptor, nil)
    }

    private static func event(_ descriptor: Int32, reading: Bool, writing: Bool) -> epoll_event {
        var event = epoll_event()
        event.events = (reading ? EPOLLIN.rawValue | EPOLLRDHUP.rawValue : 0) | (writing ? EPOLLOUT.rawValue : 0)
        event.data.fd = descriptor
        return event
    }

    /// Called on the loop's thread by a connection that completed a request's head or queued an answer.
    func noteRequestProgress() { lastRequestProgress = DispatchTime.now().uptimeNanoseconds }

    private func pollUntilStopped() {
        loopThread = pthread_self()
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var nextSweep = DispatchTime.now() + Self.tick
        var moreQueued = false
        var spinUntil: UInt64 = 0
        while true {
            // Work queued from this thread wakes nothing: look again at once instead of sleeping. Shortly after
            // events, look again without sleeping too: a client on a keep-alive connection usually sends its next
            // request within microseconds, and (on a VM above all) sleeping and being woken costs more than that.
            let timeout: Int32 = moreQueued || DispatchTime.now().uptimeNanoseconds < spinUntil ? 0 : 100
            let count = events.withUnsafeMutableBufferPointer { epoll_wait(epoll, $0.baseAddress, Int32($0.count), timeout) }
            // Only while the loop serves few sockets: with many, the next event is usually ready already, and a spin
            // only takes CPU from handlers (at 64 connections without it: report POSTs +4-13 %, GET /plan +0-3 %).
            if count > 0 && spinNanoseconds > 0 && handlers.count <= Self.busyPollMaxConnections {
                let now = DispatchTime.now().uptimeNanoseconds
                if now &- lastRequestProgress < Self.busyPollAfterProgressNanoseconds { spinUntil = now + spinNanoseconds }
            }
            for index in 0..<max(0, Int(count)) {
                let descriptor = events[index].data.fd
                if descriptor == wakeup {
                    var value: eventfd_t = 0
                    _ = eventfd_read(wakeup, &value)
                    continue
                }
                let flags = events[index].events
                if flags & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                    handlers[descriptor]?.readable(peerHungUp: flags & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue) != 0)
                }
                if flags & (EPOLLOUT.rawValue | EPOLLERR.rawValue) != 0 {
                    handlers[descriptor]?.writable()
                }
            }
            // Work that queues more work (a handler task that resumes) runs in the same turn, a few rounds at most.
            let executor = asUnownedTaskExecutor()
            for _ in 0..<4 {
                lock.withLock { swap(&queued, &running) }
                if running.isEmpty { break }
                for item in running {
                    switch item {
                    case .closure(let work): work()
                    case .job(let job): job.runSynchronously(on: executor)
                    }
                }
                running.removeAll(keepingCapacity: true)
            }
            moreQueued = lock.withLock { !queued.isEmpty }
            let now = DispatchTime.now()
            if now >= nextSweep {
                nextSweep = now + Self.tick
                for handler in Array(handlers.values) { handler.tick(now: now) }
            }
            if stopping { break }
            // A loop that always has events is preempted only when its time slice ends, milliseconds in, and the
            // requests of the other loop (or the WAL writer's batch, or a client on this machine) wait that long for
            // the core. Offering the core after each turn of events hands it over within a fraction of that: GET
            // /api/v1/plan at 64 connections, p99 2.2-3.1 ms instead of 3.6-5.2, at the same throughput.
            if count > 0 { sched_yield() }
        }
        lock.withLock {
            finished = true
            queued.removeAll()
            Glibc.close(epoll)
            Glibc.close(wakeup)
        }
    }
}
