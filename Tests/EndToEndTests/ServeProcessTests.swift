import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `cleanheat serve` as a process: its listening line, `--host`, and how it stops on a signal.
@Suite struct ServeProcessTests {
    @Test func theListeningLineNamesTheHostAndPortItServesOn() async throws {
        let server = try ServerProcess.start()
        defer { server.stop() }
        #expect(server.listeningLine.wholeMatch(of: /listening on http:\/\/127\.0\.0\.1:\d+/) != nil, "\(server.listeningLine)")
        let health = try await APIClient(baseURL: server.baseURL, token: nil).get("/healthz")
        #expect(health.status == 200)
        #expect(health.text == #"{"status":"ok"}"#)
        // Its threads say what they are (top -H, perf, /proc), in the 15 bytes Linux keeps of a name. Each names itself
        // once it runs, which on a busy machine may come a moment after the listening line.
        let tasks = "/proc/\(server.process.processIdentifier)/task"
        func names() throws -> Set<String> {
            Set(try FileManager.default.contentsOfDirectory(atPath: tasks).compactMap {
                try? String(contentsOfFile: "\(tasks)/\($0)/comm", encoding: .utf8).trimmingCharacters(in: .newlines)
            })
        }
        let expected: Set<String> = ["http-loop-0", "http-loop-1", "wal-writer", "wal-sync", "log-writer"]
        let deadline = Date().addingTimeInterval(10)
        while try !names().isSuperset(of: expected) && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let seen = try names()
        #expect(seen.isSuperset(of: expected), "\(seen)")

        // Another loopback address: served there, and only there. The port is one this test holds bound (not
        // listening) on 127.0.0.1, so that no other server of a parallel test can be answering there.
        let placeholder = try Self.boundSocket(host: "127.0.0.1")
        defer { close(placeholder.descriptor) }
        let other = try ServerProcess.start(extraArguments: ["--host", "127.0.0.2", "--port", "\(placeholder.port)"])
        defer { other.stop() }
        #expect(other.listeningLine == "listening on http://127.0.0.2:\(other.port)")
        #expect(try await APIClient(baseURL: "http://127.0.0.2:\(other.port)", token: nil).get("/healthz").status == 200)
        #expect(throws: RawHTTPClient.Failure.self) { _ = try RawHTTPClient(port: other.port, host: "127.0.0.1") }
        // An IPv6 address is bracketed, or the line is no URL.
        let six = try ServerProcess.start(extraArguments: ["--host", "::1"])
        defer { six.stop() }
        #expect(six.listeningLine == "listening on http://[::1]:\(six.port)", "\(six.listeningLine)")
        let reached = try Shell.run("curl -sS -g 'http://[::1]:\(six.port)/healthz'") // curl: Foundation's URL refuses [::1] here
        #expect(reached.output == #"{"status":"ok"}"#, "\(reached.output) \(reached.error)")
    }

    /// A command's refusal is the domain's Chinese message with the field at fault, not a Swift value's dump.
    @Test func commandLineRefusalsReadAsMessages() throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("cleanheat-cli").appendingPathComponent("data")
        let binary = RepositoryPaths.binary.path
        let common = "--data '\(folder.path)' --config '\(RepositoryPaths.defaultConfig.path)' --migrations '\(RepositoryPaths.migrations.path)'"
        #expect(try Shell.run("'\(binary)' migrate \(common)").status == 0)
        let refused = try Shell.run("'\(binary)' token create \(common) --role reporter --label 统计员")
        #expect(refused.status != 0 && refused.error.contains("报送员令牌须绑定一个单位") && refused.error.hasSuffix("不存在（unit）\n"), "\(refused.error)")
        #expect(refused.error.components(separatedBy: "报送员令牌须绑定").count == 2, "said once: \(refused.error)")
        #expect(!refused.error.contains("DomainError("), "\(refused.error)")
        let level = try Shell.run("CLEANHEAT_LOG_LEVEL=loud '\(binary)' token list \(common)")
        #expect(level.status == 0 && level.error.contains("CLEANHEAT_LOG_LEVEL=loud is no log level"), "\(level.error)")
    }

    /// Every write is audited, a token made at the server's console too: under the command line, not under nobody.
    @Test func aTokenMadeAtTheCommandLineIsAudited() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("cleanheat-cli").appendingPathComponent("data")
        let binary = RepositoryPaths.binary.path
        let common = "--data '\(folder.path)' --config '\(RepositoryPaths.defaultConfig.path)' --migrations '\(RepositoryPaths.migrations.path)'"
        #expect(try Shell.run("'\(binary)' migrate \(common)").status == 0)
        let made = try Shell.run("'\(binary)' token create \(common) --role admin --label 运维")
        let parts = made.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\t").map(String.init)
        try #require(made.status == 0 && parts.count == 2, "\(made.output) \(made.error)")
        let server = try ServerProcess.start(dataFolder: folder, testClock: false)
        defer { server.stop() }
        // The district's day of the write, and the day before it in case midnight came in between.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let format = { (date: Date) in
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        }
        let today = format(Date()), yesterday = format(Date().addingTimeInterval(-86_400))
        let audit = try await APIClient(baseURL: server.baseURL, token: parts[1]).get("/api/v1/audit?from=\(yesterday)&to=\(today)")
        let entry = (audit.json["entries"] as? [[String: Any]])?.first { $0["target"] as? String == parts[0] }
        #expect(entry?["action"] as? String == "token.issue", "\(audit.text)")
        #expect(entry?["tokenID"] as? String == "(command line)" && entry?["tokenLabel"] as? String == "服务器命令行：cleanheat token create")
    }

    /// A TCP socket bound to a free port of `host`, not listening: connections to it are refused.
    static func boundSocket(host: String) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        inet_pton(AF_INET, host, &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard descriptor >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test func sigtermFinishesTheRequestInFlightRefusesNewConnectionsAndExitsZero() async throws {
        // A grace far beyond what the steps below take even in a busy full test run (they once took 14 s there,
        // past the default 10 s, and the request in flight was cut).
        let config = try RepositoryPaths.makeTemporaryFolder("cleanheat-sigterm").appendingPathComponent("grace.json")
        try Data(#"{"timeouts": {"shutdownGraceSeconds": 60, "bodySeconds": 600}}"#.utf8).write(to: config)
        let server = try ServerProcess.start(config: config)
        let body = #"{"role":"office","label":"签到后发出的令牌"}"#
        let bytes = Array(body.utf8)
        let client = try RawHTTPClient(port: server.port)
        try client.send("POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(try server.adminToken)\r\n"
                        + "Content-Type: application/json\r\nContent-Length: \(bytes.count)\r\n\r\n")
        try client.send(Array(bytes.prefix(10)))
        server.process.terminate()
        try await waitFor { server.log.contains("SIGTERM: stopping") || !server.process.isRunning }
        #expect(server.log.contains("SIGTERM: stopping"), "\(server.log)")
        // Draining: the listener closes, after which a new client cannot even connect.
        try await waitFor { (try? RawHTTPClient(port: server.port, timeout: 1)) == nil }
        try client.send(Array(bytes.dropFirst(10)))
        let answer = try client.readResponse()
        #expect(answer.status == 201, "\(answer.text)")
        #expect(answer.header("Connection") == "close")
        #expect(server.waitForExit(timeout: 60) == 0)
        #expect(server.log.contains("stopped"))
        // What was answered is on disk.
        let again = try ServerProcess.start(dataFolder: server.dataFolder)
        defer { again.stop() }
        let tokens = try await APIClient(baseURL: again.baseURL, token: try again.adminToken).get("/api/v1/tokens")
        #expect(tokens.text.contains("签到后发出的令牌"))
    }

    @Test func aRequestStillUnfinishedWhenTheGraceEndsIsCutAndTheServerExitsZero() async throws {
        let (server, client) = try await Self.serverWithARequestInFlight(grace: 1)
        let signalled = Date()
        server.process.signal(SIGINT)
        #expect(server.waitForExit(timeout: 120) == 0)
        let took = Date().timeIntervalSince(signalled)
        // It waited for the grace period, and not for the body (600 s) either.
        #expect(took >= 0.9 && took < 60, "\(took) s")
        #expect(server.log.contains("SIGINT: stopping; requests in flight have 1.0 s"), "\(server.log)")
        #expect(client.isClosed(within: 2))
    }

    /// SIGHUP (the terminal closing) stops the server as SIGTERM does, not at once by the default action; a second
    /// signal while requests drain ends the grace period there and then.
    @Test func sighupStopsGracefullyAndASecondSignalEndsTheGrace() async throws {
        let hangup = try ServerProcess.start()
        hangup.process.signal(SIGHUP)
        #expect(hangup.waitForExit(timeout: 60) == 0)
        #expect(hangup.log.contains("SIGHUP: stopping") && hangup.log.contains("stopped"), "\(hangup.log)")
        // Started with SIGHUP ignored (nohup), it outlives the terminal, as asked.
        let nohup = try ServerProcess.start(wrapper: "trap '' HUP; exec")
        defer { nohup.stop() }
        nohup.process.signal(SIGHUP)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await APIClient(baseURL: nohup.baseURL, token: nil).get("/healthz").status == 200)
        #expect(!nohup.log.contains("SIGHUP"), "\(nohup.log)")

        let (server, client) = try await Self.serverWithARequestInFlight(grace: 120)
        let signalled = Date()
        server.process.terminate()
        try await waitFor { server.log.contains("SIGTERM: stopping") || !server.process.isRunning }
        server.process.signal(SIGINT)
        #expect(server.waitForExit(timeout: 100) == 0)
        #expect(Date().timeIntervalSince(signalled) < 60, "it waited for the grace (120 s)")
        #expect(server.log.contains("SIGINT again: closing the connections still busy now"), "\(server.log)")
        #expect(client.isClosed(within: 2))
    }

    /// A server whose shutdown grace is `grace` seconds, and a client whose request has sent part of its body: the
    /// body timeout is far away, so only the grace (or its end) may end the request.
    private static func serverWithARequestInFlight(grace: Int) async throws -> (ServerProcess, RawHTTPClient) {
        let config = try RepositoryPaths.makeTemporaryFolder("cleanheat-grace").appendingPathComponent("grace.json")
        try Data(#"{"timeouts": {"shutdownGraceSeconds": \#(grace), "bodySeconds": 600}}"#.utf8).write(to: config)
        let server = try ServerProcess.start(config: config)
        let client = try RawHTTPClient(port: server.port)
        try client.send("POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(try server.adminToken)\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"role\"")
        try await Task.sleep(for: .milliseconds(100)) // screened and waiting for the rest of the body
        return (server, client)
    }

    private func waitFor(_ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(60) // returns as soon as the condition holds
        while !condition() {
            guard Date() < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
