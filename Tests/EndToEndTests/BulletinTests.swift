import Foundation
import Testing
import TestSupport

/// The daily bulletin through the running server, every number checked against figures worked out by hand.
@Suite struct BulletinTests {
    /// 10-14 17:00: 下团堡乡 (东村 household_electric 300/280/200/150/100, 西村 biomass 100/90/80/70/60 and clean coal
    /// 50/50/40/30/30, which counts toward no completion: docs/bulletin.md) and
    /// 滋润乡 (南村 biomass 60/50/30/20/10) on time. 10-15: 沙楞河乡 exempt; 下团堡乡 at 17:30 with 东村 only
    /// (320/300/250/200/180; 西村 carried) and a problem; 北旺庄街道 at 18:30 with no villages (late); 滋润乡 silent.
    static func scenario() async throws -> CampaignFixture {
        let f = try await CampaignFixture.start(clock: "2021-10-14T17:00:00+08:00")
        func post(_ client: APIClient, _ body: [String: Any]) async throws {
            let reply = try await client.post("/api/v1/reports", json: body)
            guard reply.status == 201 else { throw FixtureError.setup("report: \(reply.status) \(reply.text)") }
        }
        try await post(f.xiatuanpu, ["villages": [
            ["village": "xtp-dongcun", "path": "household_electric", "confirmed": 300, "signed": 280, "installed": 200, "accepted": 150, "operating": 100],
            ["village": "xtp-xicun", "path": "biomass", "confirmed": 100, "signed": 90, "installed": 80, "accepted": 70, "operating": 60],
            ["village": "xtp-xicun", "path": "clean_coal", "confirmed": 50, "signed": 50, "installed": 40, "accepted": 30, "operating": 30]]])
        try await post(f.zirun, CampaignFixture.report(date: nil, [60, 50, 30, 20, 10], village: "zr-nancun", path: "biomass"))
        let exemption = try await f.office.post("/api/v1/exemptions", json: ["unit": "shalenghe", "from": "2021-10-15", "to": "2021-10-15", "reason": "停电"])
        guard exemption.status == 201 else { throw FixtureError.setup("exemption") }
        try await f.admin.setClock("2021-10-15T17:30:00+08:00")
        try await post(f.xiatuanpu, CampaignFixture.report(date: nil, [320, 300, 250, 200, 180]))
        try await f.admin.setClock("2021-10-15T18:30:00+08:00")
        try await post(f.office, ["unit": "beiwangzhuang", "villages": [] as [Any]])
        return f
    }

    @Test func everyNumberOfTheJSONBulletin() async throws {
        let f = try await Self.scenario()
        defer { f.stop() }
        let reply = try await f.supervisor.get("/api/v1/bulletins/2021-10-15")
        #expect(reply.status == 200)
        let b = reply.json
        #expect(b["date"] as? String == "2021-10-15")
        #expect(b["deadline"] as? String == "2021-10-15T18:00:00+08:00")
        let submission = try #require(b["submission"] as? [String: [String: Any]])
        func ids(_ group: String) -> [String] { (submission[group]?["units"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
        #expect(submission["expected"]?["count"] as? Int == 12)
        #expect(ids("onTime") == ["xiatuanpu"])
        #expect(ids("late") == ["beiwangzhuang"])
        #expect(ids("exempt") == ["shalenghe"])
        #expect(ids("missing") == ["nancheng", "beicheng", "shentou-street", "shentou-town", "xiaopingyi", "yaozitou", "nanyulin", "limin", "zirun", "zhangcaizhuang"])

        let district = try #require(b["district"] as? [String: Any])
        #expect(district["planTarget"] as? Int == 46108)
        #expect(district["rosterTarget"] as? Int == 520) // 西村's 50 clean-coal households are not in it
        #expect([district["confirmed"], district["signed"], district["installed"], district["accepted"], district["operating"]].compactMap { $0 as? Int } == [480, 440, 360, 290, 250])
        #expect(district["completionRate"] as? Double == 0.0078)
        let change = try #require(district["dayChange"] as? [String: Int])
        #expect([change["confirmed"], change["signed"], change["installed"], change["accepted"], change["operating"]] == [20, 20, 50, 50, 80])

        let paths = try #require(b["byPath"] as? [[String: Any]])
        #expect(paths.count == 7)
        let he = try #require(paths.first { $0["path"] as? String == "household_electric" })
        #expect(he["planTarget"] as? Int == 1863 && he["rosterTarget"] as? Int == 320 && he["installed"] as? Int == 250)
        #expect(he["completionRate"] as? Double == 0.1342)
        let biomass = try #require(paths.first { $0["path"] as? String == "biomass" })
        #expect(biomass["rosterTarget"] as? Int == 200 && biomass["installed"] as? Int == 110 && biomass["completionRate"] as? Double == 0.0187)
        let coal = try #require(paths.first { $0["path"] as? String == "clean_coal" })
        #expect(coal["planTarget"] is NSNull)
        #expect(coal["rosterTarget"] as? Int == 50 && coal["installed"] as? Int == 40 && coal["completionRate"] as? Double == 0.8)

        let units = try #require(b["byUnit"] as? [[String: Any]])
        #expect(units.count == 13)
        let xtp = try #require(units.first)
        #expect(xtp["unit"] as? String == "xiatuanpu" && xtp["rank"] as? Int == 1 && xtp["status"] as? String == "on_time")
        #expect(xtp["planTarget"] as? Int == 460) // a unit's plan target is its roster's (API.md: "units: roster")
        #expect(xtp["rosterTarget"] as? Int == 460 && xtp["installed"] as? Int == 330 && xtp["completionRate"] as? Double == 0.7174)
        #expect(xtp["stale"] as? Bool == false)
        let zirun = try #require(units.first { $0["unit"] as? String == "zirun" })
        #expect(zirun["rank"] as? Int == 2 && zirun["status"] as? String == "missing" && zirun["stale"] as? Bool == true)
        #expect(zirun["lastReportDate"] as? String == "2021-10-14" && zirun["completionRate"] as? Double == 0.5)
        #expect((zirun["dayChange"] as? [String: Int])?["installed"] == 0)
        // The eleven units at 0% share rank 3.
        #expect(units.dropFirst(2).allSatisfy { $0["rank"] as? Int == 3 })
        #expect(units.first { $0["unit"] as? String == "shalenghe" }?["status"] as? String == "exempt")

        let issues = try #require(b["issues"] as? [[String: Any]])
        #expect(issues.count == 1 && issues[0]["unit"] as? String == "xiatuanpu")
        let subsidies = try #require(b["subsidies"] as? [String: Any])
        #expect(subsidies["centralTotal"] as? Int == 63000 && subsidies["cityTotal"] as? Int == 18000)
        #expect(subsidies["unsetPaths"] as? [String] == ["household_electric", "clean_coal"])
        let heSubsidy = (subsidies["byPath"] as? [[String: Any]])?.first { $0["path"] as? String == "household_electric" }
        #expect(heSubsidy?["acceptedHouseholds"] as? Int == 200 && heSubsidy?["central"] is NSNull)
    }

    /// An office correction of the figures leaves `issues` out; the township's problems stay in the day's bulletin.
    /// A revision that sends `"issues": []` clears them.
    @Test func aRevisionWithoutIssuesKeepsTheDaysProblems() async throws {
        let f = try await Self.scenario()
        defer { f.stop() }
        let correction = ["unit": "xiatuanpu", "date": "2021-10-15", "correction": "督查核实东村实际安装 240 户",
                          "villages": [["village": "xtp-dongcun", "path": "household_electric", "confirmed": 320, "signed": 300,
                                        "installed": 240, "accepted": 200, "operating": 180]]] as [String: Any]
        #expect(try await f.office.post("/api/v1/reports", json: correction).status == 200)
        let issues = try await f.office.get("/api/v1/bulletins/2021-10-15").json["issues"] as? [[String: Any]]
        #expect((issues?.first?["issues"] as? [String]) == ["东村变压器容量不足，需地电公司增容"])
        #expect(try await f.office.get("/api/v1/bulletins/2021-10-15?format=text").text.contains("下团堡乡：东村变压器容量不足"))
        var cleared = correction
        cleared["issues"] = [String]()
        #expect(try await f.office.post("/api/v1/reports", json: cleared).status == 200)
        let none = try await f.office.get("/api/v1/bulletins/2021-10-15").json["issues"] as? [[String: Any]]
        #expect(none?.contains { $0["unit"] as? String == "xiatuanpu" } == false)
    }

    @Test func chineseTextLineByLine() async throws {
        let f = try await Self.scenario()
        defer { f.stop() }
        let reply = try await f.xiatuanpu.get("/api/v1/bulletins/2021-10-15?format=text")
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "text/plain; charset=utf-8")
        let lines = reply.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "朔城区冬季清洁取暖工作日报")
        #expect(lines[1] == "（2021年10月15日）")
        #expect(lines.contains("应报单位 12 个，按时报送 1 个，迟报 1 个（北旺庄街道），未报 10 个（南城街道、北城街道、神头街道、神头镇、小平易乡、窑子头乡、南榆林乡、利民镇、滋润乡、张蔡庄乡），免报 1 个（沙楞河乡）。"))
        #expect(lines.contains("计划改造 46108 户，已确户 480 户、签约 440 户、安装 360 户（较昨日 +50 户）、验收 290 户、通暖 250 户，完成率 0.8%。"))
        #expect(lines.contains("3. 分户式\"煤改电\"：计划 1863 户，安装 250 户（较昨日 +50 户），验收 200 户，完成率 13.4%"))
        #expect(lines.contains("7. 清洁煤过渡：登记 50 户，安装 40 户（较昨日 ±0 户），验收 30 户，完成率 80.0%"))
        #expect(lines.contains("1. 下团堡乡：完成率 71.7%（安装 330/460 户，较昨日 +50 户）"))
        #expect(lines.contains("2. 滋润乡：完成率 50.0%（安装 30/60 户，较昨日 ±0 户），未报（数据沿用10月14日报送）"))
        #expect(lines.contains("3. 北旺庄街道：尚未登记改造任务户，迟报"))
        #expect(lines.contains("3. 沙楞河乡：尚未登记改造任务户，免报"))
        #expect(lines.contains("下团堡乡：东村变压器容量不足，需地电公司增容"))
        #expect(lines.suffix(3).first == "朔城区清洁取暖领导小组办公室")
        // Accept: text/plain negotiates the same text.
        let negotiated = try await f.xiatuanpu.get("/api/v1/bulletins/2021-10-15", headers: ["Accept": "text/plain"])
        #expect(negotiated.text == reply.text)
        // Before the day's deadline nobody has missed it yet: 尚未报送, not 未报.
        try await f.admin.setClock("2021-10-16T09:00:00+08:00")
        let morning = try await f.xiatuanpu.get("/api/v1/bulletins/2021-10-16?format=text").text
        #expect(morning.contains("应报单位 13 个，按时报送 0 个，无迟报，尚未报送 13 个（北旺庄街道、"))
        #expect(morning.contains("1. 下团堡乡：完成率 71.7%（安装 330/460 户，较昨日 ±0 户），尚未报送（数据沿用10月15日报送）"))
        #expect(!morning.contains("，未报"))
        // The same in the Excel file of that bulletin.
        let csv = try await f.office.get("/api/v1/bulletins/2021-10-16?format=csv").text
        #expect(csv.contains(",尚未报送,") && !csv.contains(",未报,"), "\(csv)")
    }

    @Test func csvForExcelWithBOMAndCRLF() async throws {
        let f = try await Self.scenario()
        defer { f.stop() }
        let reply = try await f.office.get("/api/v1/bulletins/2021-10-15?format=csv")
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type")?.hasPrefix("text/csv") == true)
        #expect(reply.body.starts(with: [0xEF, 0xBB, 0xBF]))
        let rows = String(decoding: reply.body.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(rows[0] == "单位,单位编号,报送状态,排名,任务户数,确户,签约,安装,验收,通暖,完成率,较昨日安装,数据是否沿用,更正说明,审核")
        #expect(rows[1] == "下团堡乡,xiatuanpu,按时,1,460,420,390,330,270,240,71.7%,50,否,,")
        #expect(rows[2] == "滋润乡,zirun,未报,2,60,60,50,30,20,10,50.0%,0,是,,")
        #expect(rows.count == 15) // header, 13 units, and the empty string after the last CRLF
        #expect(rows.last == "")
    }

    /// The state's version counts changes since the process started, so it repeats after a restart: an ETag
    /// from before must never match a different bulletin after.
    @Test func anETagFromBeforeARestartNeverMatchesAgain() async throws {
        let f = try await CampaignFixture.start()
        let etag = try #require(try await f.office.get("/api/v1/bulletins/2021-10-15").header("ETag"))
        #expect(f.server.stop() == 0)
        let server = try ServerProcess.start(dataFolder: f.server.dataFolder)
        defer { server.stop() }
        let office = APIClient(baseURL: server.baseURL, token: f.office.token)
        try await APIClient(baseURL: server.baseURL, token: try server.adminToken).setClock("2021-10-15T10:00:00+08:00")
        for installed in 1...30 {
            let report = CampaignFixture.report(date: "2021-10-15", [300, 200, installed, 0, 0], extra: ["unit": "xiatuanpu"])
            #expect([200, 201].contains(try await office.post("/api/v1/reports", json: report).status))
            let bulletin = try await office.get("/api/v1/bulletins/2021-10-15", headers: ["If-None-Match": etag])
            #expect(bulletin.status == 200, "after \(installed) reports")
        }
    }

    /// A reporter's text cannot add lines of its own to the chat bulletin, nor terminal escapes; names and task
    /// titles with control characters are refused where they are entered.
    @Test func reportersTextStaysOnItsLineInTheChatBulletin() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        // Control characters are refused at entry; line breaks (of any kind) are allowed and flattened in the chat.
        let escaped = CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 200, 180], extra: ["issues": ["移交纪检\u{0}\u{1B}[31m"]])
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: escaped).errorFields == ["issues[0]"])
        let forged = "变压器容量不足\n\n【区督查室】滋润乡工作严重拖拉，移交纪检\u{2028}完"
        let report = CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 200, 180], extra: ["issues": [forged]])
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: report).status == 201)
        let text = try await f.office.get("/api/v1/bulletins/2021-10-15?format=text").text
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("【区督查室】") }, "\(text)")
        #expect(text.contains("下团堡乡：变压器容量不足  【区督查室】滋润乡工作严重拖拉，移交纪检 完"), "\(text)")
        let village = ["id": "xtp-beicun", "name": "北村\r\n南村", "unit": "xiatuanpu", "area": "rural", "targets": ["biomass": 10]] as [String: Any]
        #expect(try await f.office.post("/api/v1/villages", json: village).errorFields == ["name"])
        let task = try await f.office.post("/api/v1/tasks", json: ["unit": "grid", "title": "增容\n【通报】", "due": "2021-10-20"])
        #expect(task.status == 422 && task.errorFields == ["title"])
    }

    @Test func etagGzipTodayAndPending() async throws {
        let f = try await Self.scenario()
        defer { f.stop() }
        let first = try await f.office.get("/api/v1/bulletins/today")
        let etag = try #require(first.header("ETag"))
        #expect(first.json["date"] as? String == "2021-10-15")
        let again = try await f.office.get("/api/v1/bulletins/2021-10-15", headers: ["If-None-Match": etag])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        // Any write moves the ETag.
        _ = try await f.zirun.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [60, 55, 40, 20, 10], village: "zr-nancun", path: "biomass"))
        let changed = try await f.office.get("/api/v1/bulletins/2021-10-15", headers: ["If-None-Match": etag])
        #expect(changed.status == 200)
        #expect(changed.header("ETag") != etag)
        // Weak comparison: a proxy's W/ tag and the gzipped body's share the validator.
        let current = try #require(changed.header("ETag"))
        #expect(current.hasPrefix("W/\""))
        #expect(try await f.office.get("/api/v1/bulletins/2021-10-15", headers: ["If-None-Match": "\"x\", " + current]).status == 304)
        let notModified = try await f.office.get("/api/v1/bulletins/2021-10-15", headers: ["If-None-Match": String(current.dropFirst(2))])
        #expect(notModified.status == 304 && notModified.header("Vary") == "Accept, Accept-Encoding")
        #expect(notModified.header("Cache-Control") == "no-cache") // as its 200 would (RFC 9110 §15.4.5)
        // A list field on two lines is one list (RFC 9110 §5.3): the current tag on the second line matches.
        let raw = try RawHTTPClient(port: f.server.port)
        try raw.send("GET /api/v1/bulletins/2021-10-15 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(f.office.token ?? "")\r\n"
                     + "If-None-Match: \"x\"\r\nIf-None-Match: \(current)\r\n\r\n")
        #expect(try raw.readResponse().status == 304)
        // Accept is weighed (axios sends the first and wants JSON), and the answer says it varies by it.
        for (accept, type) in [("application/json, text/plain, */*", "application/json"), ("application/json, text/csv;q=0.1", "application/json"),
                               ("text/plain;q=0.5, text/csv", "text/csv"), ("text/*", "text/plain"), ("image/png", "application/json")] {
            let negotiated = try await f.office.get("/api/v1/bulletins/2021-10-15", headers: ["Accept": accept])
            #expect(negotiated.header("Content-Type")?.hasPrefix(type) == true, "\(accept)")
            #expect(negotiated.header("Vary")?.hasPrefix("Accept") == true, "\(accept)")
        }
        let gzip = try Shell.run("curl -sS --compressed -D - -o /dev/null -H 'Authorization: Bearer \(f.office.token ?? "")' \(f.server.baseURL)/api/v1/bulletins/2021-10-15")
        #expect(gzip.output.lowercased().contains("content-encoding: gzip"))
        #expect(gzip.output.lowercased().contains("vary: accept, accept-encoding"))
        #expect(try await f.office.get("/api/v1/bulletins/2021-13-01").status == 400)
        // An encoded slash stays inside its segment (RFC 3986 §2.2): it separates nothing, so these are a bad date
        // and an unknown address, not the pending list and the bulletin. An encoded letter is the letter.
        #expect(try await f.office.get("/api/v1/bulletins/2021-10-15%2Fpending").status == 400)
        #expect(try await f.office.get("/api/v1%2Fbulletins%2F2021-10-15").status == 404)
        #expect(try await f.office.get("/api/v1/bulletin%73/2021-10-15").status == 200)
        // A day still to come has no bulletin and no pending list (it listed every unit as 未报).
        for path in ["/api/v1/bulletins/2021-10-16", "/api/v1/bulletins/2021-10-16/pending?format=text"] {
            let future = try await f.office.get(path)
            #expect(future.status == 422 && future.errorCode == "future_date" && future.errorFields == ["date"], "\(path)")
        }
        #expect(try await f.office.get("/api/v1/bulletins/2021-10-15?format=pdf").status == 400)

        try await f.admin.setClock("2021-10-16T17:00:00+08:00")
        let pending = try await f.office.get("/api/v1/bulletins/2021-10-16/pending?format=text")
        #expect(pending.text == "截至17:00，尚未报送：北旺庄街道、南城街道、北城街道、神头街道、神头镇、小平易乡、下团堡乡、窑子头乡、南榆林乡、利民镇、滋润乡、张蔡庄乡、沙楞河乡\n")
        let json = try await f.office.get("/api/v1/bulletins/2021-10-15/pending")
        #expect((json.json["units"] as? [Any])?.count == 9)
        #expect(json.header("Vary") == "Accept")
        // Another day's list says when it was drawn: today's date with the time.
        #expect(try await f.office.get("/api/v1/bulletins/2021-10-15/pending?format=text").text.hasPrefix("10月15日进展，截至10月16日17:00尚未报送："))
        // Past its late window (3 days) a day's missing reports can no longer come: not "尚未".
        try await f.admin.setClock("2021-10-19T08:30:00+08:00")
        #expect(try await f.office.get("/api/v1/bulletins/2021-10-15/pending?format=text").text.hasPrefix("10月15日进展，截至10月19日08:30未报送（补报期已过）："))
        // A unit the office reopens the date for can still report: said apart.
        let reopen = try await f.office.post("/api/v1/reports/limin/2021-10-15/reopen", json: ["until": "2021-10-20T18:00:00+08:00", "reason": "停电"])
        #expect(reopen.status == 201 || reopen.status == 200, "\(reopen.text)")
        let split = try await f.office.get("/api/v1/bulletins/2021-10-15/pending?format=text").text
        #expect(split.contains("未报送（补报期已过）：") && split.hasSuffix("；尚未报送（已准予补报）：利民镇\n") && !split.contains("利民镇、"), "\(split)")
        let pendingJSON = try await f.office.get("/api/v1/bulletins/2021-10-15/pending").json
        #expect(pendingJSON["settlesOn"] as? String == "2021-10-18" && pendingJSON["reopened"] as? [String] == ["limin"], "\(pendingJSON)")
        try await f.admin.setClock("2021-10-18T23:59:00+08:00")
        #expect(try await f.office.get("/api/v1/bulletins/2021-10-15/pending?format=text").text.contains("尚未报送："))
        try await f.admin.setClock("2021-10-16T17:00:00+08:00")

        // Outside the reporting window (before the season's start, after its reportingEnd) nobody is expected.
        try await f.admin.setClock("2022-05-01T17:00:00+08:00")
        for date in ["2021-07-25", "2022-04-16", "1900-01-01"] {
            let off = try await f.office.get("/api/v1/bulletins/\(date)")
            let submission = try #require(off.json["submission"] as? [String: Any], "\(date)")
            #expect((submission["expected"] as? [String: Any])?["count"] as? Int == 0, "\(date)")
            #expect((submission["missing"] as? [String: Any])?["count"] as? Int == 0, "\(date)")
            #expect((off.json["byUnit"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "not_due" } == true, "\(date)")
            #expect((try await f.office.get("/api/v1/bulletins/\(date)/pending").json["units"] as? [Any])?.isEmpty == true, "\(date)")
            // Nobody due is not everybody reported.
            #expect(try await f.office.get("/api/v1/bulletins/\(date)/pending?format=text").text.hasSuffix("不在报送期内，无需报送\n"), "\(date)")
            // The chat text says so too, and the plan's figures stand on either side of the season.
            let parts = date.split(separator: "-").compactMap { Int($0) }
            let (month, day) = (parts[1], parts[2])
            #expect(try await f.office.get("/api/v1/bulletins/\(date)?format=text").text.contains("\(month)月\(day)日不在报送期内，无需报送。"), "\(date)")
            #expect((off.json["district"] as? [String: Any])?["planTarget"] as? Int == 46108, "\(date)")
        }
        // The last day of the window still expects everyone.
        let last = try await f.office.get("/api/v1/bulletins/2022-04-15")
        #expect(((last.json["submission"] as? [String: Any])?["missing"] as? [String: Any])?["count"] as? Int == 13)
    }

    @Test func summaryOverARange() async throws {
        let f = try await Self.scenario()
        defer { f.stop() }
        let reply = try await f.supervisor.get("/api/v1/summary?from=2021-10-14&to=2021-10-15")
        #expect(reply.status == 200)
        // For Excel (the weekly meeting, the monthly report): one row per unit, as the JSON says it; no text form.
        let csv = try await f.supervisor.get("/api/v1/summary?from=2021-10-14&to=2021-10-15&format=csv")
        #expect(csv.status == 200 && csv.header("Content-Type") == "text/csv; charset=utf-8", "\(csv.text)")
        let rows = csv.text.split(separator: "\r\n").map(String.init)
        #expect(rows.first == "\u{FEFF}单位,单位编号,应报天数,按时,迟报,未报,免报,确户,签约,安装,验收,通暖,期间确户,期间签约,期间安装,期间验收,期间通暖")
        // Each unit's row says what its JSON line says.
        for line in try #require(reply.json["byUnit"] as? [[String: Any]]) {
            let counts = line["counts"] as? [String: Int] ?? [:], change = line["change"] as? [String: Int] ?? [:]
            let stages = ["confirmed", "signed", "installed", "accepted", "operating"]
            let expected = [line["name"], line["unit"], line["expected"], line["onTime"], line["late"], line["missing"], line["exempt"]]
                .map { "\($0 ?? "")" } + stages.map { "\(counts[$0] ?? -1)" } + stages.map { "\(change[$0] ?? -1)" }
            #expect(rows.contains(expected.joined(separator: ",")), "\(expected) in \(rows)")
        }
        #expect(rows.count == 14)
        let text = try await f.supervisor.get("/api/v1/summary?from=2021-10-14&to=2021-10-15&format=text")
        #expect(text.status == 400 && text.errorCode == "bad_query" && text.errorFields == ["format"])
        let units = try #require(reply.json["byUnit"] as? [[String: Any]])
        let xtp = try #require(units.first { $0["unit"] as? String == "xiatuanpu" })
        #expect(xtp["expected"] as? Int == 2 && xtp["onTime"] as? Int == 2 && xtp["missing"] as? Int == 0)
        #expect((xtp["counts"] as? [String: Int])?["installed"] == 330)
        #expect((xtp["change"] as? [String: Int])?["installed"] == 330)
        // Clean coal is in its own path line, not in the unit's retrofit totals.
        let coal = (xtp["paths"] as? [[String: Any]])?.first { $0["path"] as? String == "clean_coal" }
        #expect((coal?["counts"] as? [String: Int])?["installed"] == 40)
        let zirun = try #require(units.first { $0["unit"] as? String == "zirun" })
        #expect(zirun["expected"] as? Int == 2 && zirun["onTime"] as? Int == 1 && zirun["missing"] as? Int == 1)
        // Before 18:00 on 10-15 zirun's report for the day was pending, not missing; a day to come has no figures
        // (its exemptions alone would have counted), as in lagging.
        try await f.admin.setClock("2021-10-15T17:59:59+08:00")
        let future = try await f.supervisor.get("/api/v1/summary?from=2021-10-14&to=2021-10-16")
        #expect(future.status == 422 && future.errorCode == "future_date" && future.errorFields == ["to"], "\(future.text)")
        let beforeDeadline = try await f.supervisor.get("/api/v1/summary?from=2021-10-14&to=2021-10-15")
        let zirunEarlier = try #require((beforeDeadline.json["byUnit"] as? [[String: Any]])?.first { $0["unit"] as? String == "zirun" })
        #expect(zirunEarlier["expected"] as? Int == 1 && zirunEarlier["onTime"] as? Int == 1 && zirunEarlier["missing"] as? Int == 0)
        try await f.admin.setClock("2021-10-15T18:30:00+08:00")
        let shalenghe = try #require(units.first { $0["unit"] as? String == "shalenghe" })
        #expect(shalenghe["expected"] as? Int == 1 && shalenghe["exempt"] as? Int == 1 && shalenghe["missing"] as? Int == 1)
        // District totals add the units, exempt days included.
        let exemptDays = units.compactMap { $0["exempt"] as? Int }.reduce(0, +)
        #expect(exemptDays >= 1 && (reply.json["district"] as? [String: Any])?["exempt"] as? Int == exemptDays)
        let oneDay = try await f.supervisor.get("/api/v1/summary?from=2021-10-15&to=2021-10-15")
        let xtpDay = (oneDay.json["byUnit"] as? [[String: Any]])?.first { $0["unit"] as? String == "xiatuanpu" }
        #expect((xtpDay?["change"] as? [String: Int])?["installed"] == 50)
        #expect(try await f.supervisor.get("/api/v1/summary?from=2021-10-16&to=2021-10-15").status == 400)
        #expect(try await f.supervisor.get("/api/v1/summary?from=2020-01-01&to=2021-10-15").errorCode == "bad_query")
        #expect(try await f.supervisor.get("/api/v1/summary?from=2021-10-15").status == 400)
    }

    /// An exempt unit's figures are carried from its last report as a missing unit's are: the chat says so too.
    @Test func anExemptUnitsCarriedFiguresSaySo() async throws {
        let f = try await CampaignFixture.start(clock: "2021-10-14T17:00:00+08:00")
        defer { f.stop() }
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: nil, [300, 280, 200, 0, 0])).status == 201)
        let exemption = try await f.office.post("/api/v1/exemptions", json: ["unit": "xiatuanpu", "from": "2021-10-15", "to": "2021-10-15", "reason": "停电"])
        #expect(exemption.status == 201)
        try await f.admin.setClock("2021-10-15T19:00:00+08:00")
        let text = try await f.office.get("/api/v1/bulletins/2021-10-15?format=text").text
        #expect(text.contains("下团堡乡：完成率") && text.contains("，免报（数据沿用10月14日报送）"), "\(text)")
    }

    /// A drop shows with its reason, and the office's doubt or return with its note, on the unit's line in the chat
    /// and in the JSON.
    @Test func correctionsAndReviewsShowBesideTheFigures() async throws {
        let f = try await CampaignFixture.start(clock: "2021-10-14T17:00:00+08:00")
        defer { f.stop() }
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: nil, [300, 280, 200, 0, 0])).status == 201)
        try await f.admin.setClock("2021-10-15T17:00:00+08:00")
        let lowered = CampaignFixture.report(date: nil, [300, 280, 150, 0, 0], extra: ["correction": "东村50户\n重复统计，核减"])
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: lowered).status == 201)
        let review = try await f.office.put("/api/v1/reports/xiatuanpu/2021-10-15/review", json: ["state": "questioned", "note": "核减依据请补充"])
        #expect(review.status == 200, "\(review.text)")
        let text = try await f.office.get("/api/v1/bulletins/2021-10-15?format=text").text
        #expect(text.contains("较昨日 -50 户）（更正：东村50户 重复统计，核减）（存疑：核减依据请补充）"), "\(text)")
        let line = (try await f.office.get("/api/v1/bulletins/2021-10-15").json["byUnit"] as? [[String: Any]])?
            .first { $0["unit"] as? String == "xiatuanpu" }
        #expect((line?["correction"] as? [String: Any])?["text"] as? String == "东村50户\n重复统计，核减")
        #expect((line?["correction"] as? [String: Any])?["revision"] as? Int == 1, "\(String(describing: line))")
        #expect((line?["review"] as? [String: Any])?["state"] as? String == "questioned", "\(String(describing: line))")
        // A unit without a report that day has neither.
        let zirun = (try await f.office.get("/api/v1/bulletins/2021-10-15").json["byUnit"] as? [[String: Any]])?
            .first { $0["unit"] as? String == "zirun" }
        #expect(zirun?["correction"] is NSNull && zirun?["review"] is NSNull)
        // And in the CSV's last two columns, quoted as Excel needs the line break.
        let csv = String(decoding: try await f.office.get("/api/v1/bulletins/2021-10-15?format=csv").body.dropFirst(3), as: UTF8.self)
        #expect(csv.contains("否,\"东村50户\n重复统计，核减\",存疑待核：核减依据请补充\r\n"), "\(csv)")
        // A later revision of the day without a correction (another village) keeps the day's reason beside the drop,
        // naming the revision that gave it; the office's doubt, of figures since replaced, no longer shows.
        let more = CampaignFixture.report(date: nil, [100, 90, 80, 0, 0], village: "xtp-xicun", path: "biomass")
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: more).status == 200)
        let after = try await f.office.get("/api/v1/bulletins/2021-10-15?format=text").text
        #expect(after.contains("（第1版更正：东村50户 重复统计，核减）") && !after.contains("存疑"), "\(after)")
        // A blank note is refused; one in brackets of its own is not bracketed twice.
        let blank = try await f.office.put("/api/v1/reports/xiatuanpu/2021-10-15/review", json: ["state": "questioned", "note": "  "])
        #expect(blank.status == 422 && blank.errorFields == ["note"], "\(blank.text)")
        #expect(try await f.office.put("/api/v1/reports/xiatuanpu/2021-10-15/review", json: ["state": "questioned", "note": "（请核实北村）"]).status == 200)
        let chat = try await f.office.get("/api/v1/bulletins/2021-10-15?format=text").text
        #expect(chat.contains("（存疑：请核实北村）"))
        // The texts' mistakes come back with the figures' in one answer.
        var both = CampaignFixture.report(date: nil, [100, 120, 80, 0, 0], village: "xtp-xicun", path: "biomass")
        both["issues"] = [""]
        let refused = try await f.xiatuanpu.post("/api/v1/reports", json: both)
        #expect(refused.status == 422 && Set(refused.errorFields) == ["issues[0]", "villages[0].signed"], "\(refused.text)")
        // The same after a restart that replays the WAL (the review keeps the revision it was made on).
        #expect(f.server.stop() == 0)
        let restarted = try ServerProcess.start(dataFolder: f.server.dataFolder)
        defer { restarted.stop() }
        let admin = APIClient(baseURL: restarted.baseURL, token: try restarted.adminToken)
        try await admin.setClock("2021-10-15T17:00:00+08:00")
        #expect(try await admin.get("/api/v1/bulletins/2021-10-15?format=text").text == chat, "a refused report changes nothing")
    }
}
