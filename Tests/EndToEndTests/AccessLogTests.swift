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
        let deadline = Date().addingTimeInterval(30) // flushed every 100 ms; the loop ends as soon as it is there
        while !(server.log.contains("GET /api/v1/no-such-thing 404")) && Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let lines = server.log.split(separator: "\n").filter { $0.contains("cleanheat.access") }
        let healthz = try #require(lines.first { $0.contains("GET /healthz 200") })
        // time, level, label, client, method, path, status, bytes, duration
        #expect(healthz.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} info cleanheat\.access : client=127\.0\.0\.1 \[API\] GET \/healthz 200 \d+B \d+\.\dms/) != nil,
                "\(healthz)")
        #expect(lines.contains { $0.contains("GET /api/v1/no-such-thing 404") })
        // A body that fails (here a broken chunk; a stalled one alike) is logged under its request, not as "- -".
        let raw = try RawHTTPClient(port: server.port)
        try raw.send("POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(try server.adminToken)\r\n"
                     + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
        #expect(try raw.readResponse().status == 400)
        while !server.log.contains("POST /api/v1/reports 400") && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.log.contains("POST /api/v1/reports 400"), "\(server.log.suffix(500))")
        // A Content-Length body the client stops sending (its half-close here; a stall alike) is logged so too.
        let short = try RawHTTPClient(port: server.port)
        try short.send("PUT /api/v1/villages/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(try server.adminToken)\r\n"
                       + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        short.shutdownWrite()
        #expect(try short.readResponse().status == 400)
        while !server.log.contains("PUT /api/v1/villages/x 400") && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.log.contains("PUT /api/v1/villages/x 400"), "\(server.log.suffix(500))")
    }

    /// The target is logged as sent: an encoded line break or space stays encoded, so a client cannot forge a log
    /// line or fields; a raw Unicode line separator is encoded; the query shows.
    @Test func aPathCannotWriteALineOfItsOwn() async throws {
        let server = try ServerProcess.start()
        defer { server.stop() }
        let forged = "%0A2026-11-27T00:00:00+0000%20info%20cleanheat.access%20:%20GET%20/api/v1/tokens%20200%0D%C2%85%E2%80%A8x"
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /nothing\(forged) HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 404)
        let deadline = Date().addingTimeInterval(30) // flushed every 100 ms; the loop ends as soon as it is there
        while !server.log.contains("GET /nothing") && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let line = try #require(server.log.split(separator: "\n").first { $0.contains("GET /nothing") })
        #expect(line.contains("GET /nothing\(forged) 404"), "\(line)")
        #expect(!server.log.split(separator: "\n").contains { $0.hasPrefix("2026-11-27T00:00:00+0000") })
        let raw = try RawHTTPClient(port: server.port)
        try raw.send(Array("GET /raw\u{2028}x?dryRun=true HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(try raw.readResponse().status == 404)
        while !server.log.contains("GET /raw") && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.log.contains("GET /raw%E2%80%A8x?dryRun=true 404"), "\(server.log)")
    }
}
