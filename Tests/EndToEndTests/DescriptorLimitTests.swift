import Foundation
import Testing
import TestSupport

/// CHECKLISTS.md, HTTP/1.1: connections over the maximum get 503 and are closed. The process's descriptor limit
/// (`ulimit -n`, often 1024) can come first: the server then spun on accept, flooded its log and left new clients
/// unanswered. It must refuse them as it does at `maxConnections`, and serve again once descriptors are free.
@Suite struct DescriptorLimitTests {
    @Test func runningOutOfDescriptorsRefusesNewClientsWith503AndRecovers() async throws {
        let server = try ServerProcess.start(wrapper: "ulimit -n 48; exec")
        defer { server.stop() }
        var held: [RawHTTPClient] = []
        var refused: RawHTTPClient.Response?
        for _ in 0..<60 where refused == nil {
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            if response.status == 503 { refused = response } else { held.append(client) }
        }
        let answer = try #require(refused, "60 connections under a limit of 48 descriptors and no 503")
        #expect(answer.header("Retry-After") != nil)
        #expect(answer.text.contains("\"error\""))
        #expect(held.count > 10, "only \(held.count) connections served before the limit")
        // One held connection goes: its descriptor serves a new client again.
        held.removeLast()
        let served = try await retrying(pause: .milliseconds(50), {
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse().status == 200
        }, until: { $0 })
        #expect(served)
        // The refusals are counted (the client just served may still hold the last free descriptor a moment).
        let text = try await retrying(pause: .milliseconds(10), {
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse().text
        }, until: { $0.contains("cleanheat_refused_connections_total") })
        #expect(text.contains("\ncleanheat_refused_connections_total ") && !text.contains("\ncleanheat_refused_connections_total 0\n"), "\(text)")
        let log = server.log
        #expect(log.components(separatedBy: "out of file descriptors").count - 1 <= 3, "the warning is rate-limited")
    }
}
