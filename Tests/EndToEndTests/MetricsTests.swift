import Foundation
import Testing
import TestSupport

/// `GET /metrics`: Prometheus text with requests by route, method and status, the latency histogram and the
/// open connections, counted from real requests.
@Suite struct MetricsTests {
    @Test func requestsAreCountedByRoutePatternMethodAndStatus() async throws {
        let server = try ServerProcess.start()
        defer { server.stop() }
        let client = APIClient(baseURL: server.baseURL, token: try server.adminToken)
        for _ in 0..<3 { #expect(try await client.get("/api/v1/plan").status == 200) }
        #expect(try await client.with(token: nil).get("/api/v1/plan").status == 401)
        #expect(try await client.get("/api/v1/reports/xiatuanpu/2021-10-15").status == 404)
        // Any token is a method to the parser; only the standard ones get a label of their own.
        #expect(try await client.send("FROBNICATE", "/nowhere", body: nil).status == 404)
        // A request the server could not read never reaches the API, and is counted all the same.
        let raw = try RawHTTPClient(port: server.port)
        try raw.send("GET /\(String(repeating: "a", count: 9_000)) HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try raw.readResponse().status == 414)
        // A known path with a method it does not take is counted under its route, not as an unknown path.
        #expect(try await client.send("DELETE", "/api/v1/units", body: nil).status == 405)

        let reply = try await client.with(token: nil).get("/metrics")
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        let lines = reply.text.split(separator: "\n").map(String.init)
        #expect(lines.contains(#"cleanheat_requests_total{route="/api/v1/plan",method="GET",status="200"} 3"#), "\(reply.text)")
        #expect(lines.contains(#"cleanheat_requests_total{route="/api/v1/plan",method="GET",status="401"} 1"#))
        #expect(lines.contains(#"cleanheat_requests_total{route="/api/v1/reports/{unit}/{date}",method="GET",status="404"} 1"#))
        #expect(lines.contains(#"cleanheat_requests_total{route="unmatched",method="OTHER",status="404"} 1"#))
        #expect(lines.contains(#"cleanheat_requests_total{route="/api/v1/units",method="DELETE",status="405"} 1"#), "\(reply.text)")
        // Its method is read off the line it could not take whole.
        #expect(lines.contains(#"cleanheat_requests_total{route="unreadable",method="GET",status="414"} 1"#), "\(reply.text)")
        #expect(!reply.text.contains("FROBNICATE"))
        // Three plan requests and the 404 ran a handler; a refusal at screening has no handler time.
        let count = try #require(lines.first { $0.hasPrefix("cleanheat_request_duration_seconds_count") })
        #expect(Int(count.split(separator: " ").last ?? "") ?? 0 >= 4, "\(count)")
        #expect(lines.contains { $0.hasPrefix(#"cleanheat_request_duration_seconds_bucket{le="0.005"}"#) })
        // This very request's connection is open while the text is made.
        let open = try #require(lines.first { $0.hasPrefix("cleanheat_open_connections ") })
        #expect((Double(open.split(separator: " ").last ?? "") ?? 0) >= 1, "\(open)")
    }
    /// A client turned away at `limits.maxConnections` never sends a request the API sees: it is counted apart.
    @Test func connectionsRefusedAtTheLimitAreCounted() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("cleanheat-config")
        let config = folder.appendingPathComponent("config.json")
        try Data(#"{"limits": {"maxConnections": 1}}"#.utf8).write(to: config)
        let server = try ServerProcess.start(config: config)
        defer { server.stop() }
        var holder: RawHTTPClient? = try RawHTTPClient(port: server.port)
        try holder?.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try holder?.readResponse().status == 200)
        #expect(try RawHTTPClient(port: server.port).readResponse().status == 503)
        holder = nil
        // The server learns of the close a moment later; until then a new client is refused (and counted) too.
        let metrics = try await retrying(pause: .milliseconds(50), {
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse()
        }, until: { $0.status == 200 })
        let text = metrics.text
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("cleanheat_refused_connections_total ") }, "\(text)")
        #expect((Int(line.split(separator: " ").last ?? "") ?? 0) >= 1, "\(line)")
        #expect(!text.contains("status=\"503\""), "a refusal is no request")
    }
}
