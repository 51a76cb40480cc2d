import Dispatch

/// Runs the server's handler tasks on Dispatch's thread pool rather than Swift's cooperative pool, so a
/// process whose cooperative threads are busy or blocked (a test's blocking socket client, a slow library
/// call) still gets its requests answered.
final class DispatchTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue.global(qos: .userInitiated)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
