import Foundation
import Testing
import TestSupport

/// A sync that hangs (a device stuck flushing) holds the writes waiting for it, and the reads waiting for writes
/// acknowledged before it (a report is published lazily, with the state of the next batch), but not `/healthz` and
/// `/metrics`: a monitor still hears from the server.
@Suite struct HeldSyncTests {
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    static var village: [String: Any] { ["id": "xtp-dongcun", "name": "东村", "unit": "xiatuanpu", "area": "rural",
                                         "targets": ["household_electric": 320]] }

    /// A report acknowledged and, reports being published lazily (here after a minute idle), not yet published.
    func setUp(_ client: APIClient) async throws {
        try await client.setClock("2021-10-15T10:00:00+08:00")
        #expect(try await client.post("/api/v1/villages", json: Self.village).status == 201)
        var report = CampaignFixtureReport.body
        report["unit"] = "xiatuanpu"
        let stored = try await client.post("/api/v1/reports", json: report)
        #expect(stored.status == 201, "\(stored.text)")
    }

    func start(wrapper: String) throws -> ServerProcess {
        let config = try RepositoryPaths.makeTemporaryFolder("held-sync").appendingPathComponent("config.json")
        try Data(#"{"storage": {"idlePublicationSeconds": 60}}"#.utf8).write(to: config)
        return try ServerProcess.start(config: config, wrapper: wrapper)
    }

    /// How many fdatasyncs the server makes until `setUp` is done, on a new data folder.
    func syncsThroughSetUp() async throws -> Int {
        let trace = try RepositoryPaths.makeTemporaryFolder("held-sync").appendingPathComponent("trace")
        let probe = try start(wrapper: "exec strace -f -qq -o '\(trace.path)' -e trace=fdatasync --")
        // Should the set-up fail: strace ignores SIGTERM with -o, and killed alone it would leave the server running.
        defer { if probe.process.isRunning { probe.kill9() } }
        try await setUp(APIClient(baseURL: probe.baseURL, token: try probe.adminToken))
        // The server killed (a stop would sync a checkpoint), strace ends by itself and writes its trace out.
        let holder = try String(contentsOf: probe.dataFolder.appendingPathComponent("LOCK"), encoding: .utf8)
        kill(try #require(Int32(holder.trimmingCharacters(in: .whitespacesAndNewlines))), SIGKILL)
        _ = probe.waitForExit(timeout: 30)
        let calls = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("fdatasync(") && !$0.contains("resumed") }
        // strace counts injections per thread: the count is the real run's only while one thread (the WAL's sync
        // thread) makes every fdatasync.
        let threads = Set(calls.map { $0.prefix { $0 != " " } })
        #expect(threads.count == 1, "fdatasync from \(threads.count) threads: the held sync would come late")
        return calls.count
    }

    @Test func healthAndMetricsAnswerWhileASyncIsHeld() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            Issue.record("strace is not installed (.ci/run installs it)")
            return
        }
        let before = try await syncsThroughSetUp()
        try #require(before > 0, "no fdatasync traced: every sync from the start would be held")
        // Every sync after those begins 8 s late.
        let server = try start(wrapper: "exec strace -f -qq -o /dev/null -e trace=fdatasync -e inject=fdatasync:delay_enter=8000000:when=\(before + 1)+ --")
        defer { server.kill9() } // a stop would wait for the checkpoint's held syncs
        let client = APIClient(baseURL: server.baseURL, token: try server.adminToken)
        try await setUp(client)
        // A second revision of the report: a report's POST does not wait for the first to be published first (any
        // other request does, which would publish it before the held write).
        var revised = CampaignFixtureReport.body
        revised["unit"] = "xiatuanpu"
        revised["nextDayPlan"] = "完成东村剩余20户设备安装"
        let written = Flag()
        let write = Task {
            defer { written.set() }
            return try await client.post("/api/v1/reports", json: revised)
        }
        try await Task.sleep(for: .seconds(1)) // the write reaches its sync within milliseconds
        // The report waits to be published with the held write's state; these two must not wait for it.
        let health = try await client.get("/healthz")
        let metrics = try await client.get("/metrics")
        #expect(!written.isSet, "the write was answered before its held sync ended: the test held nothing")
        #expect(health.status == 200, "\(health.text)")
        #expect(metrics.status == 200)
        // A read waits for the first revision, published with the state after the second, so for the held sync: it
        // sees the second revision too.
        let read = try await client.get("/api/v1/reports/xiatuanpu/2021-10-15")
        #expect(read.text.contains("完成东村剩余20户设备安装"), "\(read.text)")
        #expect(try await write.value.status == 200)
    }
}

/// The report of `CampaignFixture.report`, for a server set up without the fixture.
private enum CampaignFixtureReport {
    static var body: [String: Any] { CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 200, 180]) }
}
