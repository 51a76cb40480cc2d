import Foundation
import Testing
import TestSupport

/// One access-log line per request on standard error: buffered, but out within a fraction of a second.
@Suite struct AccessLogTests {
    @Test func eachRequestIsLoggedWhileTheServerRuns() async throws {
        let server = try ServerProcess.start()
        defer { server.stop() }
        let client = APIClient(baseURL: server.baseURL, token: try server.adminToken)
        #expect(try await client.get("/healthz").status == 200)
        #expect(try await client.get("/api/v1/no-such-thing").status == 404)
        let deadline = Date().addingTimeInterval(5)
        while !(server.log.contains("GET /api/v1/no-such-thing 404")) && Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let lines = server.log.split(separator: "\n").filter { $0.contains("cleanheat.access") }
        let healthz = try #require(lines.first { $0.contains("GET /healthz 200") })
        // time, level, label, client, method, path, status, bytes, duration
        #expect(healthz.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} info cleanheat\.access : client=127\.0\.0\.1 \[API\] GET \/healthz 200 \d+B \d+\.\dms/) != nil,
                "\(healthz)")
        #expect(lines.contains { $0.contains("GET /api/v1/no-such-thing 404") })
    }
}
