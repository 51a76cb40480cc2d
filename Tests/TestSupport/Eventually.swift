/// Polls the condition every 10 ms for up to five seconds; true as soon as it holds. For what another thread
/// makes true on its own time (a sync, a publication, a checkpoint).
public func eventually(_ condition: () throws -> Bool) async throws -> Bool {
    for _ in 0..<500 {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try condition()
}

/// Makes `attempt` until `done` accepts what it gives, pausing between tries, for about `seconds` of pauses; returns
/// the last result. Counted in tries, not read off the clock: on a busy machine a test task can wait out its pause
/// for tens of seconds (the tests' two cooperative threads held by other tests' blocking calls), and a loop bounded
/// by a deadline then woke past it and gave up without looking again, though what it waited for had long happened.
public func retrying<T>(seconds: Double = 30, pause: Duration = .milliseconds(20),
                        _ attempt: () async throws -> T, until done: (T) -> Bool) async throws -> T {
    let pauseSeconds = Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18
    var triesLeft = max(1, Int(seconds / pauseSeconds))
    var result = try await attempt()
    while !done(result) && triesLeft > 0 {
        triesLeft -= 1
        try await Task.sleep(for: pause)
        result = try await attempt()
    }
    return result
}
