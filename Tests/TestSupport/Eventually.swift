/// Polls the condition every 10 ms for up to five seconds; true as soon as it holds. For what another thread
/// makes true on its own time (a sync, a publication, a checkpoint).
public func eventually(_ condition: () throws -> Bool) async throws -> Bool {
    for _ in 0..<500 {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try condition()
}
