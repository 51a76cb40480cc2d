import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// One access-log line per request on standard error: buffered, but out within a fraction of a second.
@Suite struct AccessLogTests {
    @Test func eachRequestIsLoggedWhileTheServerRuns() async throws {
        let server = try ServerProcess.start()
        defer { server.stop() }
        let client = APIClient(baseURL: server.baseURL, token: try server.adminToken)
        #expect(try await client.get("/healthz").status == 200)
        #expect(try await client.get("/api/v1/no-such-thing").status == 404)
        // Flushed every 100 ms: looked for until it is there.
        _ = try await retrying({ server.log }, until: { $0.contains("GET /api/v1/no-such-thing 404") })
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
        _ = try await retrying({ server.log }, until: { $0.contains("POST /api/v1/reports 400") })
        #expect(server.log.contains("POST /api/v1/reports 400"), "\(server.log.suffix(500))")
        // A Content-Length body the client stops sending (its half-close here; a stall alike) is logged so too.
        let short = try RawHTTPClient(port: server.port)
        try short.send("PUT /api/v1/villages/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(try server.adminToken)\r\n"
                       + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        short.shutdownWrite()
        #expect(try short.readResponse().status == 400)
        _ = try await retrying({ server.log }, until: { $0.contains("PUT /api/v1/villages/x 400") })
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
        _ = try await retrying({ server.log }, until: { $0.contains("GET /nothing") }) // flushed every 100 ms
        let line = try #require(server.log.split(separator: "\n").first { $0.contains("GET /nothing") })
        #expect(line.contains("GET /nothing\(forged) 404"), "\(line)")
        #expect(!server.log.split(separator: "\n").contains { $0.hasPrefix("2026-11-27T00:00:00+0000") })
        let raw = try RawHTTPClient(port: server.port)
        try raw.send(Array("GET /raw\u{2028}x?dryRun=true HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(try raw.readResponse().status == 404)
        _ = try await retrying({ server.log }, until: { $0.contains("GET /raw") })
        #expect(server.log.contains("GET /raw%E2%80%A8x?dryRun=true 404"), "\(server.log)")
    }

    /// A standard error nobody reads (a pipe left full) does not stop requests: the log is written by a thread of its
    /// own, outside the lock the loops append under. Before, the loop that filled a 64 KiB batch wrote it itself,
    /// blocked in write(2) holding that lock, and every request of both loops waited with it; and a request that logs
    /// a line of its own (an online backup's notice) waited for that line to be written. No line is lost.
    @Test func aStandardErrorNobodyReadsDoesNotHoldUpRequests() throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("cleanheat-stuck-log")
        let standardError = try UnreadStandardError(in: folder)
        let server = try ServerProcess.start(wrapper: standardError.wrapper)
        defer { standardError.close(); server.stop() }
        let client = try RawHTTPClient(port: server.port)
        client.setTimeout(10)
        let requests = 2000 // about 200 KB of access lines
        for _ in 0..<requests {
            try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
        let backup = folder.appendingPathComponent("backup").path
        let body = #"{"to": "\#(backup)"}"#
        try client.send("POST /api/v1/admin/backup HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(try server.adminToken)\r\n"
                        + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        #expect(try client.readResponse().status == 200)
        for _ in 0..<4 { // new connections, on both loops
            let other = try RawHTTPClient(port: server.port)
            other.setTimeout(10)
            try other.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try other.readResponse().status == 200)
        }
        // Now read it all: every line comes out, the server's stop included (the pipe ends when the server exits).
        server.process.terminate()
        standardError.readToTheEnd()
        let text = standardError.text
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0.contains("cleanheat.access") && $0.contains("GET /healthz 200") }.count == requests + 4)
        #expect(lines.contains { $0.contains("online backup written") })
        #expect(lines.contains { $0.contains("stopped") }, "\(text.suffix(300))")
        #expect(!lines.contains { $0.contains("dropped") })
    }

    /// Past the backlog limit (here 64 KiB, about 650 access lines) lines are dropped, never waited for, and
    /// every one is counted: the lines written and the `dropped=N` warnings add up to the lines logged.
    @Test func linesPastTheBacklogLimitAreDroppedAndCounted() throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("cleanheat-log-backlog")
        let standardError = try UnreadStandardError(in: folder)
        let server = try ServerProcess.start(environment: ["CLEANHEAT_LOG_BACKLOG_BYTES": "65536"], wrapper: standardError.wrapper)
        defer { standardError.close(); server.stop() }
        let client = try RawHTTPClient(port: server.port)
        client.setTimeout(10)
        let requests = 3000 // about 300 KB of access lines against a 64 KiB backlog
        for _ in 0..<requests {
            try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
        // Read until the writer says what it dropped (it does once the backlog is under half the limit), so that
        // what comes next has room: one more request, whose line is written again, and the stop.
        #expect(standardError.read(until: "standard error fell behind"), "\(standardError.text.suffix(300))")
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        server.process.terminate()
        standardError.readToTheEnd()
        let lines = standardError.text.split(separator: "\n")
        let written = lines.filter { $0.contains("cleanheat.access") && $0.contains("GET /healthz 200") }.count
        let dropped = lines.compactMap { line -> Int? in
            guard line.contains("standard error fell behind"), let field = line.split(separator: " ").first(where: { $0.hasPrefix("dropped=") })
            else { return nil }
            return Int(field.dropFirst("dropped=".count))
        }
        #expect(!dropped.isEmpty)
        #expect(written < requests)
        #expect(written + dropped.reduce(0, +) == requests + 1)
        #expect(lines.last?.contains("stopped") == true, "\(lines.suffix(3))")
    }

    @Test(arguments: ["8M", "65535"])
    func aBacklogLimitThatIsNoByteCountIsSaidAndTheDefaultKept(value: String) throws {
        let server = try ServerProcess.start(environment: ["CLEANHEAT_LOG_BACKLOG_BYTES": value])
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        server.stop()
        #expect(server.log.contains("CLEANHEAT_LOG_BACKLOG_BYTES=\(value) is no byte count of at least 65536; keeping 8388608"))
    }
}

/// The server's standard error as a FIFO of the smallest size (full after a few dozen lines) that the test reads
/// only when it says so.
private final class UnreadStandardError {
    private let path: String
    private let reader: Int32
    private var isOpen = true
    private var bytes: [UInt8] = []

    init(in folder: URL) throws {
        path = folder.appendingPathComponent("stderr").path
        try #require(mkfifo(path, 0o600) == 0)
        reader = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) // first, so the server's open for writing does not wait
        try #require(reader >= 0)
        _ = fcntl(reader, 1031 /* F_SETPIPE_SZ */, 4096)
    }

    deinit { close() }

    /// The shell prefix that sends the server's standard error here.
    var wrapper: String { "exec 2>'\(path)'; exec" }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Reads until `expected` has come, or 30 s passed; true when it came.
    func read(until expected: String) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while !text.contains(expected) && Date() < deadline { readAvailable(waitingMilliseconds: 100) }
        return text.contains(expected)
    }

    /// Reads until the server's end closes the pipe (or 30 s pass with nothing).
    func readToTheEnd() {
        while readAvailable(waitingMilliseconds: 30_000) {}
    }

    /// Before the server is stopped: a server whose last lines wait on a full pipe nobody reads took stop's whole
    /// timeout to end; with the pipe closed its writes fail at once.
    func close() {
        guard isOpen else { return }
        isOpen = false
        Glibc.close(reader)
    }

    /// False at the pipe's end or when nothing came in time.
    @discardableResult
    private func readAvailable(waitingMilliseconds: Int32) -> Bool {
        var ready = pollfd(fd: reader, events: Int16(POLLIN), revents: 0)
        guard poll(&ready, 1, waitingMilliseconds) > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = Glibc.read(reader, &chunk, chunk.count)
        guard count > 0 else { return false }
        bytes += chunk[0..<count]
        return true
    }
}
