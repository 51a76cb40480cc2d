import Glibc

/// A lock and a condition whose timed wait follows the monotonic clock. NSCondition's `wait(until:)` takes a
/// wall-clock date: with the clock set back an hour, the log writer's 100 ms wait lasted an hour as well. (Here
/// for the store's writer, which waits the same way; the executable's log writer uses it too.)
public final class MonotonicCondition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    public func withLock<R>(_ body: () throws -> R) rethrows -> R {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Under the lock: waits for a broadcast.
    public func wait() { pthread_cond_wait(condition, mutex) }

    /// Under the lock: waits for a broadcast, or `seconds` by the monotonic clock.
    public func wait(seconds: Double) {
        _ = wait(until: Self.deadline(after: seconds))
    }

    /// The monotonic instant `seconds` from now, for `wait(until:)`. Less than nothing (or NaN) is now; more than
    /// about 30 years is that.
    public static func deadline(after seconds: Double) -> timespec {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let bounded = seconds.isNaN ? 0 : min(max(seconds, 0), 1e9)
        let nanoseconds = deadline.tv_nsec + Int(bounded * 1e9)
        deadline.tv_sec += nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        return deadline
    }

    /// Under the lock: waits for a broadcast, or until `deadline`. False once the deadline has passed (or the wait
    /// failed: a caller that waits again in a loop must not spin on an error).
    public func wait(until deadline: timespec) -> Bool {
        var deadline = deadline
        return pthread_cond_timedwait(condition, mutex, &deadline) == 0
    }

    public func broadcast() { pthread_cond_broadcast(condition) }
}
