import Foundation
import Testing
import TestSupport

/// What survives: kill -9, restarts, a second process, a changed migration, backups (CHECKLISTS.md, Storage).
@Suite struct DurabilityTests {
    /// Writers create villages with unique ids; the server is SIGKILLed at a random moment, many rounds.
    /// Every id that got a 2xx is present exactly once and unchanged afterwards; one that got no answer is
    /// whole or absent; no other id appears.
    @Test func killNineLoopLosesNothingAcknowledged() async throws {
        var server = try ServerProcess.start()
        let folder = server.dataFolder
        let adminToken = try server.adminToken
        var acknowledged: Set<String> = []
        var unanswered: Set<String> = []
        func households(_ id: String) -> Int { (Int(id.split(separator: "-").last ?? "") ?? 0) % 500 + 1 }
        for round in 0..<6 {
            let client = APIClient(baseURL: server.baseURL, token: adminToken)
            let victim = server
            let killer = Task.detached {
                try await Task.sleep(nanoseconds: UInt64.random(in: 80_000_000...300_000_000))
                victim.kill9()
            }
            let outcomes = await withTaskGroup(of: (acked: [String], unanswered: String?).self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        var acked: [String] = []
                        for i in 0..<100_000 {
                            let id = "kill-\(round)-\(writer * 100_000 + i)"
                            do {
                                let reply = try await client.post("/api/v1/villages", json: [
                                    "id": id, "name": "村", "unit": "xiatuanpu", "area": "rural", "targets": ["biomass": households(id)]])
                                guard reply.status == 201 else { return (acked, id) }
                                acked.append(id)
                            } catch {
                                return (acked, id)
                            }
                        }
                        return (acked, nil)
                    }
                }
                var all: [(acked: [String], unanswered: String?)] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            _ = await killer.result
            for outcome in outcomes {
                acknowledged.formUnion(outcome.acked)
                if let id = outcome.unanswered { unanswered.insert(id) }
            }
            server = try ServerProcess.start(dataFolder: folder)
            let listing = try await APIClient(baseURL: server.baseURL, token: adminToken).get("/api/v1/villages?unit=xiatuanpu")
            let villages = listing.json["villages"] as? [[String: Any]] ?? []
            let ids = villages.compactMap { $0["id"] as? String }
            #expect(Set(ids).count == ids.count, "a village appears twice")
            #expect(acknowledged.isSubset(of: Set(ids)), "round \(round): \(acknowledged.subtracting(ids).count) acknowledged villages lost")
            #expect(Set(ids).subtracting(acknowledged).isSubset(of: unanswered), "a village appeared that was never sent")
            for village in villages {
                let id = village["id"] as? String ?? ""
                #expect((village["targets"] as? [String: Any])?["biomass"] as? Int == households(id), "village \(id) changed")
            }
            // What the restarted server holds is the truth from here on.
            acknowledged = Set(ids)
        }
        #expect(acknowledged.count > 50, "the writers hardly wrote anything before the kills")
        server.stop()
    }

    @Test func everyAcknowledgedReportSurvivesSIGKILL() async throws {
        let f = try await CampaignFixture.start()
        var acked: [String] = []
        for dayOffset in 0..<20 {
            let date = String(format: "2021-09-%02d", dayOffset + 1)
            let reply = try await f.office.post("/api/v1/reports", json: CampaignFixture.report(date: date, [10 + dayOffset, 5, 0, 0, 0], extra: ["unit": "xiatuanpu"]))
            #expect(reply.status == 201)
            acked.append(date)
        }
        f.server.kill9()
        let restarted = try ServerProcess.start(dataFolder: f.server.dataFolder)
        defer { restarted.stop() }
        let office = f.office.with(token: f.office.token)
        let client = APIClient(baseURL: restarted.baseURL, token: office.token)
        for (offset, date) in acked.enumerated() {
            let stored = try await client.get("/api/v1/reports/xiatuanpu/\(date)")
            #expect(stored.status == 200)
            #expect(((stored.json["villages"] as? [[String: Any]])?.first?["confirmed"]) as? Int == 10 + offset)
        }
    }

    @Test func gracefulStopExitsZeroAndRestartKeepsEverything() async throws {
        let f = try await CampaignFixture.start()
        let status = f.server.stop()
        #expect(status == 0)
        #expect(f.server.log.contains("SIGTERM"))
        let again = try ServerProcess.start(dataFolder: f.server.dataFolder)
        defer { again.stop() }
        let villages = try await APIClient(baseURL: again.baseURL, token: f.office.token).get("/api/v1/villages")
        #expect((villages.json["villages"] as? [Any])?.count == 3)
        // No second bootstrap token on a folder that has tokens.
        #expect(try again.adminToken == f.admin.token)
    }

    @Test func aSecondServerOnTheSameFolderRefusesNamingTheHolder() async throws {
        let server = try ServerProcess.start()
        defer { server.stop() }
        do {
            _ = try ServerProcess.start(dataFolder: server.dataFolder)
            Issue.record("a second server started on a locked folder")
        } catch ServerProcessError.didNotStart(let log) {
            #expect(log.contains(String(server.process.processIdentifier)), "\(log)")
        }
        let result = try Shell.run("'\(RepositoryPaths.binary.path)' migrate --status --data '\(server.dataFolder.path)' --migrations '\(RepositoryPaths.migrations.path)'")
        #expect(result.status != 0)
        #expect(result.error.contains(String(server.process.processIdentifier)))
    }

    @Test func aChangedMigrationStopsStartUpNamingIt() async throws {
        let migrations = try RepositoryPaths.makeTemporaryFolder("cleanheat-migrations")
        for name in try FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.migrations.path) {
            try FileManager.default.copyItem(at: RepositoryPaths.migrations.appendingPathComponent(name),
                                             to: migrations.appendingPathComponent(name))
        }
        let data = try RepositoryPaths.makeTemporaryFolder("cleanheat-data")
        let binary = RepositoryPaths.binary.path
        let before = try Shell.run("'\(binary)' migrate --status --data '\(data.path)' --migrations '\(migrations.path)'")
        // Before the first migrate there is no data folder to report on (and status begins none).
        #expect(before.status != 0 && before.error.contains("no data folder"), "\(before.error)")
        let status = try Shell.run("'\(binary)' migrate --data '\(data.path)' --migrations '\(migrations.path)' && '\(binary)' migrate --status --data '\(data.path)' --migrations '\(migrations.path)'")
        #expect(status.status == 0, "\(status.error)")
        #expect(status.output.contains("applied\t0003_season_2021.json"))
        let file = migrations.appendingPathComponent("0002_paths.json")
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "8100", with: "8200")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let refused = try Shell.run("'\(binary)' serve --port 0 --data '\(data.path)' --migrations '\(migrations.path)' --config '\(RepositoryPaths.defaultConfig.path)'")
        #expect(refused.status != 0)
        #expect(refused.error.contains("0002_paths"))
        // The status says so, and fails for a script to see.
        let changed = try Shell.run("'\(binary)' migrate --status --data '\(data.path)' --migrations '\(migrations.path)'")
        #expect(changed.status == 2 && changed.output.contains("changed\t0002_paths.json"), "\(changed.output)")
    }

    @Test func onlineBackupWhileReportsArriveIsAConsistentPrefixThatVerifiesAndOpens() async throws {
        let f = try await CampaignFixture.start()
        // One report revised again and again: the copy must hold revisions 1...R with R between what was
        // acknowledged before the backup began and what was acknowledged when it ended.
        let writer = f.xiatuanpu
        let acknowledged = Counter()
        let writing = Task {
            for index in 1...150 {
                let reply = try await writer.post("/api/v1/reports", json: CampaignFixture.report(
                    date: "2021-10-15", [320, 300, 250, 200, 180], extra: ["nextDayPlan": "第 \(index) 次报送"]))
                guard reply.status == 200 || reply.status == 201 else { throw FixtureError.setup("\(reply.status) \(reply.text)") }
                acknowledged.set(index)
            }
        }
        while acknowledged.value < 20 { try await Task.sleep(for: .milliseconds(5)) }
        let target = try RepositoryPaths.makeTemporaryFolder("cleanheat-backup").appendingPathComponent("copy")
        let before = acknowledged.value
        let reply = try await f.admin.post("/api/v1/admin/backup", json: ["to": target.path])
        let after = acknowledged.value
        #expect(reply.status == 200, "\(reply.text)")
        #expect(try await f.office.post("/api/v1/admin/backup", json: ["to": target.path]).status == 403)
        // A target in use or out of reach is the caller's error, named, not a 500.
        let again = try await f.admin.post("/api/v1/admin/backup", json: ["to": target.path])
        #expect(again.status == 409 && again.errorFields == ["to"], "\(again.text)")
        let unreachable = try await f.admin.post("/api/v1/admin/backup", json: ["to": "/proc/no-such/backup"])
        #expect(unreachable.status == 422 && unreachable.errorFields == ["to"], "\(unreachable.text)")
        // A NUL would end the path early for the system, so the copy would land where the answer does not say.
        let withNUL = try await f.admin.post("/api/v1/admin/backup", json: ["to": target.path + "-a\u{0}b"])
        #expect(withNUL.status == 422 && withNUL.errorFields == ["to"], "\(withNUL.text)")
        #expect(!FileManager.default.fileExists(atPath: target.path + "-a"))
        let file = try RepositoryPaths.makeTemporaryFolder("cleanheat-file").appendingPathComponent("notes.txt")
        try Data("笔记".utf8).write(to: file)
        let notFolder = try await f.admin.post("/api/v1/admin/backup", json: ["to": file.path])
        #expect(notFolder.status == 422 && notFolder.errorFields == ["to"] && notFolder.text.contains("不是文件夹"), "\(notFolder.text)")
        // Into the data folder itself, directly or through a symbolic link: the next start would take the copy
        // for a stray temporary (and delete it) or refuse a folder it does not know.
        let data = f.server.dataFolder
        let link = try RepositoryPaths.makeTemporaryFolder("cleanheat-link").appendingPathComponent("data")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: data)
        for inside in [data.appendingPathComponent("snapshot-copy"), data, link.appendingPathComponent("copy")] {
            let refused = try await f.admin.post("/api/v1/admin/backup", json: ["to": inside.path])
            #expect(refused.status == 422 && refused.errorFields == ["to"] && refused.text.contains("数据文件夹之内"), "\(refused.text)")
        }
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("snapshot-copy").path))
        try await writing.value
        f.stop()
        let verify = try Shell.run("'\(RepositoryPaths.binary.path)' verify '\(target.path)'")
        #expect(verify.status == 0, "\(verify.output) \(verify.error)")
        let restored = try ServerProcess.start(dataFolder: target)
        defer { restored.stop() }
        let stored = try await APIClient(baseURL: restored.baseURL, token: f.office.token).get("/api/v1/reports/xiatuanpu/2021-10-15")
        let revisions = try #require(stored.json["revisions"] as? Int)
        #expect(revisions >= before && revisions <= after + 1, "copy has \(revisions); acknowledged \(before) before, \(after) after")
        #expect((stored.json["nextDayPlan"] as? String) == "第 \(revisions) 次报送")

        // The command, on the stopped original: the whole of it.
        let offline = try RepositoryPaths.makeTemporaryFolder("cleanheat-backup").appendingPathComponent("offline")
        let command = try Shell.run("'\(RepositoryPaths.binary.path)' backup --data '\(f.server.dataFolder.path)' --to '\(offline.path)'")
        #expect(command.status == 0, "\(command.error)")
        #expect(try Shell.run("'\(RepositoryPaths.binary.path)' verify '\(offline.path)'").status == 0)
    }
}

/// The highest index a writer task has had acknowledged, read by the test while it runs.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    var value: Int { lock.withLock { current } }
    func set(_ value: Int) { lock.withLock { current = value } }
}

/// Storage failures through the real server: 503 for writes, 503 health with the reason, reads still 200,
/// and after a restart with room every acknowledged write is there.
@Suite struct StorageFailureEndToEndTests {
    func writeUntilRefused(_ client: APIClient, prefix: String) async throws -> (acknowledged: [String], refusal: APIClient.Reply?) {
        var acknowledged: [String] = []
        for index in 0..<2000 {
            let id = "\(prefix)-\(index)"
            let reply = try await client.post("/api/v1/villages", json: ["id": id, "name": String(repeating: "村", count: 40), "unit": "xiatuanpu", "area": "rural", "targets": ["biomass": 10]])
            if reply.status == 201 { acknowledged.append(id) } else { return (acknowledged, reply) }
        }
        return (acknowledged, nil)
    }

    func checkAfterRestart(folder: URL, token: String, acknowledged: [String]) async throws {
        let server = try ServerProcess.start(dataFolder: folder)
        defer { server.stop() }
        let listing = try await APIClient(baseURL: server.baseURL, token: token).get("/api/v1/villages?unit=xiatuanpu")
        let ids = Set((listing.json["villages"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        #expect(Set(acknowledged).isSubset(of: ids))
    }

    @Test func diskFullThroughAFileSizeLimit() async throws {
        // 200 KiB for every file the server writes; SIGXFSZ is ignored, so writes fail with EFBIG.
        let server = try ServerProcess.start(wrapper: "ulimit -f 200; exec")
        let token = try server.adminToken
        let client = APIClient(baseURL: server.baseURL, token: token)
        let (acknowledged, refusal) = try await writeUntilRefused(client, prefix: "full")
        #expect(!acknowledged.isEmpty)
        #expect(refusal?.status == 503)
        #expect(refusal?.errorCode == "storage_unavailable")
        #expect(refusal?.text.contains("重启服务") == true, "read-only lasts until a restart: \(refusal?.text ?? "")")
        let health = try await client.get("/healthz")
        #expect(health.status == 503)
        #expect(health.text.contains("read_only"))
        #expect(try await client.get("/api/v1/units").status == 200)
        #expect(try await client.post("/api/v1/villages", json: ["id": "more", "name": "村", "unit": "xiatuanpu", "area": "rural", "targets": ["biomass": 1]]).status == 503)
        // A checkpoint asked for in read-only mode is refused the same way: 503, not a 500.
        let checkpoint = try await client.post("/api/v1/admin/checkpoint", json: [:])
        #expect(checkpoint.status == 503 && checkpoint.errorCode == "storage_unavailable", "\(checkpoint.text)")
        server.kill9()
        try await checkAfterRestart(folder: server.dataFolder, token: token, acknowledged: acknowledged)
    }

    @Test func aFailedFdatasyncInjectedByStrace() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            Issue.record("strace is not installed (.ci/run installs it)")
            return
        }
        let server = try ServerProcess.start(wrapper: "exec strace -f -qq -o /dev/null -e trace=fdatasync -e inject=fdatasync:error=EIO:when=12 --")
        let token = try server.adminToken
        let client = APIClient(baseURL: server.baseURL, token: token)
        let (acknowledged, refusal) = try await writeUntilRefused(client, prefix: "eio")
        #expect(refusal?.status == 503)
        #expect(try await client.get("/healthz").status == 503)
        // Every later write is refused too: no retry that reports success.
        #expect(try await client.post("/api/v1/villages", json: ["id": "later", "name": "村", "unit": "xiatuanpu", "area": "rural", "targets": ["biomass": 1]]).status == 503)
        #expect(try await client.get("/api/v1/villages").status == 200)
        server.kill9()
        try await checkAfterRestart(folder: server.dataFolder, token: token, acknowledged: acknowledged)
    }
}
