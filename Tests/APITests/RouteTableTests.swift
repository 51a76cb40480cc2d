import Testing
@testable import API

/// Which routes answer without waiting for the reports acknowledged so far to be published (docs/storage.md,
/// "Publication"). A route added without thought waits, as it should; these four must not: the report POST decides
/// against the writer's own state, and the operations read no state (`/healthz` must answer while a sync hangs).
/// This pins the table; the wait itself is tested end to end (ReadYourWritesTests).
@Suite struct RouteTableTests {
    @Test func onlyTheReportPOSTAndOperationsThatReadNoStateSkipTheWaitForPublication() {
        let skipping = CleanheatAPI.routeTable(testClock: true).filter { !$0.readsAcknowledgedWrites }.map { "\($0.method) \($0.pattern)" }
        #expect(skipping.sorted() == ["GET /healthz", "GET /metrics", "POST /api/v1/_test/clock", "POST /api/v1/reports"])
    }
}
