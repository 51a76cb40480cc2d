import Foundation
import Testing
import TestSupport

/// CHECKLISTS.md, Security, through the running server.
@Suite struct SecurityTests {
    @Test func missingMalformedAndUnknownBearerAre401WithChallenge() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        for token: String? in [nil, "not-a-token", ""] {
            let reply = try await f.admin.with(token: token).get("/api/v1/units")
            #expect(reply.status == 401)
            #expect(reply.header("WWW-Authenticate") == "Bearer")
            #expect(reply.errorCode == "unauthorized")
        }
        let malformed = try await f.admin.with(token: nil).get("/api/v1/units", headers: ["Authorization": "Basic YWRtaW46YWRtaW4="])
        #expect(malformed.status == 401)
    }

    @Test func theBearerSchemeIsCaseInsensitiveAndNeedsASpaceAndASecret() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let secret = try #require(f.admin.token)
        let anonymous = f.admin.with(token: nil)
        for header in ["bearer \(secret)", "BEARER \(secret)", "Bearer   \(secret)"] {
            #expect(try await anonymous.get("/api/v1/units", headers: ["Authorization": header]).status == 200, "\(header)")
        }
        for header in ["Bearer", "Bearer   ", "Bearer\(secret)", "Bearer\t\(secret)", "Bearerx \(secret)", "Beare \(secret)"] {
            #expect(try await anonymous.get("/api/v1/units", headers: ["Authorization": header]).status == 401, "\(header)")
        }
    }

    @Test func aRevokedTokenIsRefusedOnItsVeryNextRequest() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        #expect(try await f.zirun.get("/api/v1/units").status == 200)
        let id = try #require(f.tokenIDs["zirun"])
        #expect(try await f.admin.delete("/api/v1/tokens/\(id)").status == 204)
        #expect(try await f.zirun.get("/api/v1/units").status == 401)
        // The last valid admin token cannot be revoked (only the offline CLI could issue another); once a second
        // admin token exists, it can.
        let tokens = try await f.admin.get("/api/v1/tokens").json["tokens"] as? [[String: Any]] ?? []
        let adminID = try #require(tokens.first { $0["role"] as? String == "admin" && $0["revokedAt"] == nil }?["id"] as? String)
        let refused = try await f.admin.delete("/api/v1/tokens/\(adminID)")
        #expect(refused.status == 409 && refused.errorFields == ["id"], "\(refused.text)")
        let second = try await f.admin.post("/api/v1/tokens", json: ["role": "admin", "label": "备用管理员"])
        let secondAdmin = f.admin.with(token: try #require(second.json["token"] as? String))
        #expect(try await secondAdmin.delete("/api/v1/tokens/\(adminID)").status == 204)
    }

    @Test func reporterForAnotherUnitAndSupervisorWritesAre403WithNothingWritten() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        var body = CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 200, 180])
        body["unit"] = "xiatuanpu"
        let foreign = try await f.zirun.post("/api/v1/reports", json: body)
        // The unit at fault is named, in the body, the query or the path alike.
        #expect(foreign.status == 403 && foreign.errorFields == ["unit"], "\(foreign.text)")
        let supervisor = try await f.supervisor.post("/api/v1/reports", json: body)
        #expect(supervisor.status == 403)
        // Said in words a clerk knows, with who can do it instead (not "角色 supervisor").
        #expect(supervisor.text.contains("督查室令牌无权执行此操作（可由报送员、领导小组办公室、管理员令牌办理）"), "\(supervisor.text)")
        let village = try await f.zirun.post("/api/v1/villages", json: ["id": "x-1", "name": "某村", "unit": "xiatuanpu", "area": "rural", "targets": ["biomass": 1]])
        #expect(village.status == 403 && village.errorFields == ["unit"], "\(village.text)")
        // Reading another unit's list is refused as reading its single report is, not answered as an empty list.
        #expect(try await f.zirun.get("/api/v1/reports?date=2021-10-15&unit=xiatuanpu").errorFields == ["unit"])
        #expect(try await f.zirun.get("/api/v1/reports/xiatuanpu/2021-10-15").errorFields == ["unit"])
        #expect(try await f.zirun.get("/api/v1/tasks?unit=grid").errorFields == ["unit"])
        #expect(try await f.zirun.get("/api/v1/reports?date=2021-10-15&unit=zirun").status == 200)
        #expect(try await f.office.get("/api/v1/reports/xiatuanpu/2021-10-15").status == 404)
        let audit = try await f.office.get("/api/v1/audit?from=2021-10-15&to=2021-10-15")
        let targets = (audit.json["entries"] as? [[String: Any]] ?? []).compactMap { $0["target"] as? String }
        #expect(!targets.contains("xiatuanpu/2021-10-15"))
        #expect(!targets.contains("x-1"))
    }

    /// A body within the size limit but made of thousands of mistakes is answered with a few, cheaply: 300,000 empty
    /// issues were once named one by one (a 31 MB answer, seconds of a loop every other client waited on).
    @Test func aBodyOfThousandsOfMistakesGetsAShortAnswer() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        let empties = ["date": "2021-10-15", "issues": Array(repeating: "", count: 300_000)] as [String: Any]
        let issues = try await f.xiatuanpu.post("/api/v1/reports", json: empties)
        #expect(issues.status == 422 && issues.errorFields == ["issues"] && issues.body.count < 1_000, "\(issues.body.count) bytes")
        #expect(issues.text.contains("一次最多报送 50 条问题，收到 300000 条"), "\(issues.text.prefix(300))")
        let entry: [String: Any] = ["village": "xtp-dongcun", "path": "household_electric", "confirmed": -1]
        let villages = try await f.xiatuanpu.post("/api/v1/reports", json: ["villages": Array(repeating: entry, count: 2_001)])
        #expect(villages.status == 422 && villages.errorFields == ["villages"], "\(villages.text.prefix(300))")
        // Many unknown keys, one of them a 100,000-byte name: a hundred named, each cut short, and the count said.
        var keys: [String: Any] = Dictionary(uniqueKeysWithValues: (0..<20_000).map { ("k\($0)", 1) })
        keys["a" + String(repeating: "长", count: 100_000)] = 1 // sorted first
        let unknown = try await f.xiatuanpu.post("/api/v1/reports", json: keys)
        #expect(unknown.status == 422 && unknown.errorFields.count == 100 && unknown.body.count < 20_000, "\(unknown.body.count) bytes")
        #expect(unknown.text.contains("等 20001 个") && unknown.text.contains("共 20001 处，列出前 100 处"), "\(unknown.text.prefix(400))")
        #expect(unknown.text.contains("a" + String(repeating: "长", count: 38) + "…") && !unknown.text.contains(String(repeating: "长", count: 40)))
        // A long village id is quoted short, so that what to do about it is still said.
        let longID = CampaignFixture.report(date: "2021-10-15", [1, 1, 1, 1, 1], village: String(repeating: "v", count: 600))
        let unknownVillage = try await f.xiatuanpu.post("/api/v1/reports", json: longID)
        #expect(unknownVillage.status == 422 && unknownVillage.text.contains("…”未在本单位登记"), "\(unknownVillage.text.prefix(300))")
        // Quoted short in a path, a query and a query's name alike, the sentence kept.
        let long = String(repeating: "a", count: 700)
        let season = try await f.office.get("/api/v1/plan?season=\(long)")
        #expect(season.status == 404 && season.text.contains("…”的方案") && season.body.count < 400, "\(season.text.prefix(200))")
        #expect(try await f.office.delete("/api/v1/exemptions/\(long)").text.contains("… 的免报记录"))
        let param = try await f.office.get("/api/v1/reports?date=2021-10-15&\(long)=1")
        #expect(param.status == 400 && param.text.contains("（可用："), "\(param.text.prefix(200))")
        // A header's mistake is named by its column, the last one too (the line quoted short hid it).
        let header = "unit,village_id,village_name,area,path,househods\nxiatuanpu,xtp-a,甲村,rural,biomass,5\n"
        let typo = try await f.office.send("POST", "/api/v1/villages/import", body: Data(header.utf8), headers: ["Content-Type": "text/csv"])
        #expect(typo.status == 422 && typo.text.contains("第 6 列应为 households，收到 “househods”"), "\(typo.text)")
        // Quoted, a control or direction character is shown as U+FFFD, not acted on by whatever prints the message.
        var reversed = CampaignFixture.report(date: "2021-10-15", [1, 1, 1, 1, 1])
        reversed["unit"] = "a\u{202E}b\u{1B}[31m"
        let quoted = try await f.office.post("/api/v1/reports?dryRun=true", json: reversed)
        #expect(quoted.status == 422 && quoted.text.contains("a\u{FFFD}b\u{FFFD}[31m") && !quoted.text.contains("\u{202E}"), "\(quoted.text)")
        var department = CampaignFixture.report(date: "2021-10-15", [1, 1, 1, 1, 1])
        department["unit"] = "区财政局"
        let notTownship = try await f.office.post("/api/v1/reports?dryRun=true", json: department)
        #expect(notTownship.status == 422 && notTownship.text.contains("“区财政局”不是报送单位"), "\(notTownship.text)")
        // A village with more targets than there are paths.
        let targets = Dictionary(uniqueKeysWithValues: (0..<10_000).map { ("p\($0)", 1) })
        let village = try await f.office.put("/api/v1/villages/many", json: ["name": "多村", "unit": "zirun", "area": "rural", "targets": targets])
        #expect(village.status == 422 && village.errorFields == ["targets"] && village.text.contains("收到 10000 条"), "\(village.text.prefix(300))")
        // A roster file of more lines than an import takes, none of them a row: counted, not named line by line.
        let csv = "unit,village_id,village_name,area,path,households\n" + String(repeating: "x\n", count: 50_001)
        let roster = try await f.office.send("POST", "/api/v1/villages/import", body: Data(csv.utf8), headers: ["Content-Type": "text/csv"])
        #expect(roster.status == 422 && roster.errorFields == ["body"] && roster.body.count < 1_000, "\(roster.text.prefix(300))")
        #expect(roster.text.contains("一次最多导入 50000 行，收到 50001 行"), "\(roster.text.prefix(300))")
        // Nothing of it was stored.
        #expect(try await f.office.get("/api/v1/reports/xiatuanpu/2021-10-15").status == 404)
    }

    @Test func tokenListingShowsNoSecretAndNoSecretIsStoredOrLogged() async throws {
        let f = try await CampaignFixture.start(villages: false)
        let secret = try #require(f.zirun.token)
        let list = try await f.admin.get("/api/v1/tokens")
        #expect(list.status == 200)
        #expect(!list.text.contains(secret))
        #expect(!list.text.contains("secretHash"))
        #expect(!list.text.lowercased().contains("hash"))
        _ = try await f.zirun.get("/api/v1/units")
        f.stop() // checkpoint at shutdown: the snapshot files exist now too
        let files = FileManager.default.enumerator(at: f.server.dataFolder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? []
        #expect(!files.isEmpty)
        for file in files where file.lastPathComponent != "bootstrap-token" {
            guard let data = try? Data(contentsOf: file) else { continue }
            #expect(data.range(of: Data(secret.utf8)) == nil, "secret found in \(file.path)")
        }
        // Reporters' names and phones are in there: the owner and its group read, no one else (0750 / 0640).
        for item in files where item.lastPathComponent != "bootstrap-token" { // the folder itself is the test's
            let attributes = try FileManager.default.attributesOfItem(atPath: item.path)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            let folder = attributes[.type] as? FileAttributeType == .typeDirectory
            // At most 0750 / 0640 (a stricter umask narrows it), and never anything for others.
            #expect(mode & ~(folder ? 0o750 : 0o640) == 0 && mode & 0o600 == 0o600, "\(item.path): \(String(mode, radix: 8))")
        }
        // The access log (buffered, written out at exit) has the requests, and no secret.
        #expect(f.server.log.contains("GET /api/v1/tokens 200"))
        #expect(f.server.log.contains("GET /api/v1/units 200"))
        #expect(!f.server.log.contains(secret))
        #expect(!f.server.log.contains(try f.server.adminToken))
        #expect(!f.server.log.contains("Authorization"))
    }

    @Test func bootstrapTokenIsMode0600AndOnlyItsPathIsLogged() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let path = f.server.dataFolder.appendingPathComponent("bootstrap-token").path
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(f.server.log.contains(path))
        #expect(!f.server.log.contains(try f.server.adminToken))
    }

    @Test func expectContinueWithABadTokenGets401InsteadOf100() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let body = String(repeating: "x", count: 5_000)
        let result = try Shell.run("""
            printf '%s' '\(body)' | curl -sS -v -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong' \
              -H 'Content-Type: application/json' -H 'Expect: 100-continue' --data-binary @- \(f.server.baseURL)/api/v1/reports
            """)
        #expect(result.output == "401")
        #expect(!result.error.contains("HTTP/1.1 100"))
        // An address that does not exist, or a method it does not take, is answered before the body too.
        let client = try RawHTTPClient(port: f.server.port)
        try client.send("POST /api/v1/nowhere HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                        + "Content-Length: 5000\r\n\r\n")
        #expect(try client.readResponse().status == 404)
        let wrongMethod = try RawHTTPClient(port: f.server.port)
        try wrongMethod.send("PUT /api/v1/bulletins/today HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
        let refused = try wrongMethod.readResponse()
        #expect(refused.status == 405 && refused.header("Allow") == "GET, HEAD, OPTIONS")
    }

    /// The head passed screening; the token was revoked while the body was on its way: the write is refused.
    @Test func aTokenRevokedWhileTheBodyIsOnItsWayIsRefused() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let token = try #require(f.zirun.token)
        let id = try #require(f.tokenIDs["zirun"])
        let body = #"{"id":"zr-late","name":"迟到村","unit":"zirun","area":"rural","targets":{"biomass":5}}"#
        let client = try RawHTTPClient(port: f.server.port)
        try client.send("POST /api/v1/villages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n"
                        + "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
        // 100 Continue comes only once the head has passed screening, token and all.
        #expect(try client.readResponse().status == 100)
        #expect(try await f.admin.delete("/api/v1/tokens/\(id)").status == 204)
        try client.send(body)
        let response = try client.readResponse()
        #expect(response.status == 401, "\(response.text)")
        #expect(try await !f.office.get("/api/v1/villages?unit=zirun").text.contains("zr-late"))
    }

    @Test func burstOverTheRateLimitIs429AndOtherTokensAreUnaffected() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("cleanheat-config")
        let config = folder.appendingPathComponent("config.json")
        try Data(#"{"rateLimits": {"perTokenPerMinute": 5, "failedAuthPerMinute": 4}}"#.utf8).write(to: config)
        let f = try await CampaignFixture.start(config: config, villages: false)
        defer { f.stop() }
        var statuses: [Int] = []
        for _ in 0..<8 { statuses.append(try await f.zirun.get("/api/v1/units").status) }
        #expect(statuses.contains(429))
        #expect(statuses.prefix(3).allSatisfy { $0 == 200 })
        let limited = try await f.zirun.get("/api/v1/units")
        #expect(limited.status == 429)
        #expect(Int(limited.header("Retry-After") ?? "") != nil)
        #expect(try await f.xiatuanpu.get("/api/v1/units").status == 200)
        // Failed authentication from one address is limited too.
        #expect(try await f.office.get("/api/v1/units").status == 200) // working from this address before
        var failures: [Int] = []
        for _ in 0..<6 { failures.append(try await f.admin.with(token: "guess").get("/api/v1/units").status) }
        #expect(failures.last == 429)
        // ... but tokens already working from that address are still served: nobody can lock them out. A token
        // not seen from it gets 429 although it is right, so a guesser learns nothing from a right guess.
        #expect(try await f.office.get("/api/v1/units").status == 200)
        #expect(try await f.admin.get("/api/v1/tokens").status == 200)
        #expect(try await f.supervisor.get("/api/v1/units").status == 429)
        // Two sets of credentials are refused outright, whichever comes first.
        let client = try RawHTTPClient(port: f.server.port)
        try client.send("GET /api/v1/units HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(try f.server.adminToken)\r\nAuthorization: Bearer guess\r\n\r\n")
        #expect(try client.readResponse().status == 400)
    }

    @Test func testClockDoesNotExistWithoutTheFlag() async throws {
        let server = try ServerProcess.start(testClock: false)
        defer { server.stop() }
        let reply = try await APIClient(baseURL: server.baseURL, token: nil).post("/api/v1/_test/clock", json: ["now": "2021-10-15T17:30:00+08:00"])
        #expect(reply.status == 404)
    }

    @Test func everyWriteHasExactlyOneAuditEntryAndRefusedWritesNone() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        _ = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 200, 180]))
        _ = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 200, 180]))
        _ = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [1, 2, 0, 0, 0]))
        let audit = try await f.office.get("/api/v1/audit?from=2021-10-15&to=2021-10-15")
        let entries = audit.json["entries"] as? [[String: Any]] ?? []
        let reportEntries = entries.filter { $0["action"] as? String == "report.submit" }
        #expect(reportEntries.count == 1)
        #expect(reportEntries.first?["tokenLabel"] as? String == "下团堡乡 统计员")
        #expect(reportEntries.first?["tokenID"] as? String == f.tokenIDs["xiatuanpu"])
        // 4 tokens + 3 villages + 1 report, all on the fixture's day.
        #expect(entries.count == 8)
        // Each summary reads alone, as a clerk reads the trail: the unit and day, the token's unit, the path's name.
        let summaries = entries.compactMap { $0["summary"] as? String }
        #expect(reportEntries.first?["summary"] as? String == "下团堡乡 10月15日 第 1 版，1 条村级进度，按时", "\(summaries)")
        #expect(summaries.contains("签发报送员令牌（下团堡乡）：下团堡乡 统计员"), "\(summaries)")
        #expect(summaries.contains { $0.hasPrefix("东村（下团堡乡）任务：") && $0.contains("户") && !$0.contains("household_electric") }, "\(summaries)")
        let reopened = try await f.office.post("/api/v1/reports/zirun/2021-10-14/reopen",
                                               json: ["until": "2021-10-20T18:00:00+08:00", "reason": "系统故障"])
        #expect(reopened.status == 200 || reopened.status == 201, "\(reopened.text)")
        let trail = try await f.office.get("/api/v1/audit?from=2021-10-15&to=2021-10-15").json["entries"] as? [[String: Any]] ?? []
        #expect(trail.contains { $0["summary"] as? String == "允许滋润乡补报 10月14日，至 10月20日18:00：系统故障" }, "\(trail)")
        #expect(try await f.office.put("/api/v1/reports/xiatuanpu/2021-10-15/review", json: ["state": "questioned", "note": "东村待核"]).status == 200)
        let reviewed = try await f.office.get("/api/v1/audit?from=2021-10-15&to=2021-10-15").json["entries"] as? [[String: Any]] ?? []
        #expect(reviewed.contains { $0["summary"] as? String == "下团堡乡 10月15日 第 1 版审核：存疑待核，东村待核" }, "\(reviewed)")
        #expect(try await f.xiatuanpu.get("/api/v1/audit").status == 403)
    }
}
