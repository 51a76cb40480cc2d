import Foundation
import Testing
@testable import Storage

/// The store's writer waits on it for its idle publication, the log writer for its flush: a timed wait ends by
/// itself at its deadline (saying so), and a broadcast ends it before.
@Suite(.timeLimit(.minutes(1))) struct MonotonicConditionTests {
    @Test func aTimedWaitEndsAtItsDeadlineAndSaysSo() {
        let condition = MonotonicCondition()
        let deadline = MonotonicCondition.deadline(after: 0.05)
        let started = ContinuousClock.now
        condition.lock()
        var signalled = condition.wait(until: deadline)
        for _ in 0..<100 where signalled { signalled = condition.wait(until: deadline) } // a spurious wake-up waits on
        #expect(!signalled, "the wait never said its deadline had passed")
        condition.unlock()
        #expect(ContinuousClock.now - started >= .milliseconds(45))
    }

    @Test func aDeadlineInThePastOrOutOfRangeIsNoSpin() {
        let condition = MonotonicCondition()
        condition.lock()
        #expect(!condition.wait(until: MonotonicCondition.deadline(after: -1)))
        #expect(!condition.wait(until: MonotonicCondition.deadline(after: .nan)))
        condition.unlock()
        let far = MonotonicCondition.deadline(after: .infinity)
        #expect(far.tv_sec > 1_000_000_000 && far.tv_nsec >= 0 && far.tv_nsec < 1_000_000_000)
    }

    /// What the waiting thread saw, under the condition's lock.
    final class Outcome: @unchecked Sendable {
        var done = false
        var woken = false
    }

    @Test func aBroadcastEndsATimedWaitEarly() {
        let condition = MonotonicCondition()
        let ready = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let waiter = Thread {
            condition.lock()
            ready.signal()
            outcome.woken = condition.wait(until: MonotonicCondition.deadline(after: 5))
            outcome.done = true
            condition.unlock()
        }
        waiter.start()
        ready.wait()
        condition.lock() // taken once the waiter is inside its wait
        condition.broadcast()
        condition.unlock()
        while condition.withLock({ !outcome.done }) { usleep(1000) }
        #expect(condition.withLock { outcome.woken }, "the wait ran to its deadline instead")
    }
}
