import Foundation
import Testing
import TestSupport

/// The contract's rules for the 6 PM report, through the running server (API.md, Daily reports).
@Suite struct ReportRulesTests {
    @Test func reportBeforeTheDeadlineIsOnTimeAndAfterItLateWhateverTheMachineZone() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        try await f.admin.setClock("2021-10-15T17:59:00+08:00")
        let first = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 200, 180]))
        #expect(first.status == 201)
        #expect(first.json["status"] as? String == "on_time")
        #expect(first.json["revision"] as? Int == 1)
        #expect(first.json["submittedAt"] as? String == "2021-10-15T17:59:00+08:00")

        try await f.admin.setClock("2021-10-15T18:01:00+08:00")
        let late = try await f.zirun.post("/api/v1/reports", json: CampaignFixture.report(
            date: "2021-10-15", [60, 50, 40, 30, 20], village: "zr-nancun", path: "biomass"))
        #expect(late.status == 201)
        #expect(late.json["status"] as? String == "late")

        // A later revision keeps the timeliness of the first.
        let second = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [320, 300, 260, 200, 180]))
        #expect(second.status == 200)
        #expect(second.json["revision"] as? Int == 2)
        #expect(second.json["status"] as? String == "on_time")

        // Times are shown to the second, and the deadline is judged to the second: what a receipt shows as
        // 18:00:00 is on time; 18:00:01 is late.
        try await f.admin.setClock("2021-10-16T18:00:00.900+08:00")
        let atTheDeadline = try await f.xiatuanpu.post("/api/v1/reports?dryRun=true", json: CampaignFixture.report(date: "2021-10-16", [320, 300, 260, 200, 180]))
        #expect(atTheDeadline.json["submittedAt"] as? String == "2021-10-16T18:00:00+08:00")
        #expect(atTheDeadline.json["status"] as? String == "on_time")
        try await f.admin.setClock("2021-10-16T18:00:01+08:00")
        let justAfter = try await f.xiatuanpu.post("/api/v1/reports?dryRun=true", json: CampaignFixture.report(date: "2021-10-16", [320, 300, 260, 200, 180]))
        #expect(justAfter.json["status"] as? String == "late")
    }

    @Test func freeTextIsLimitedInCharactersNotBytes() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        try await f.admin.setClock("2021-10-15T17:00:00+08:00")
        // 1,000 Chinese characters are 3,000 bytes and within campaign.maxTextLength (1000); one more is not.
        let atLimit = String(repeating: "装", count: 1_000)
        let accepted = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(
            date: "2021-10-15", [320, 300, 250, 200, 180], extra: ["nextDayPlan": atLimit, "issues": [atLimit]]))
        #expect(accepted.status == 201)
        let refused = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(
            date: "2021-10-15", [320, 300, 260, 200, 180], extra: ["nextDayPlan": atLimit + "装", "issues": ["好", atLimit + "a"]]))
        #expect(refused.status == 422)
        #expect(refused.errorCode == "validation_failed")
        #expect(Set(refused.errorFields) == ["nextDayPlan", "issues[1]"])
        // Empty problems (printed as "；；" in the chat) and control characters (a NUL) are named, not stored.
        let blank = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(
            date: "2021-10-15", [320, 300, 260, 200, 180], extra: ["issues": ["第一行\n第二行", "", "  ", "制表\t符", "a\u{0}b",
                                                                             "abc\u{202E}dcba", "隔离\u{2067}符", "零\u{200B}宽"],
                                                                  "reporter": ["name": "张\u{1B}[31m三", "phone": "138\u{9B}31m"]]))
        // A bidirectional override or isolate shows the chat other text than was stored (Unicode TR #36); a
        // zero-width space changes nothing shown.
        #expect(blank.status == 422 && Set(blank.errorFields) == ["issues[1]", "issues[2]", "issues[4]", "issues[5]", "issues[6]",
                                                                  "reporter.name", "reporter.phone"], "\(blank.text)")
        #expect(try await f.xiatuanpu.get("/api/v1/reports/xiatuanpu/2021-10-15").json["revisions"] as? Int == 1)
        // The office's free text too: a reopening's and an exemption's reason, a new task's note (5,000 characters
        // were taken, and copied into the audit trail).
        let tooLong = atLimit + "装"
        let reopen = try await f.office.post("/api/v1/reports/xiatuanpu/2021-10-13/reopen",
                                             json: ["until": "2021-10-20T18:00:00+08:00", "reason": tooLong])
        #expect(reopen.status == 422 && reopen.errorFields == ["reason"])
        let exemption = try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": "2021-10-16", "to": "2021-10-17", "reason": tooLong])
        #expect(exemption.status == 422 && exemption.errorFields == ["reason"])
        let task = try await f.office.post("/api/v1/tasks", json: ["unit": "grid", "title": "增容", "due": "2021-10-20", "note": tooLong])
        #expect(task.status == 422 && task.errorFields == ["note"])
        #expect(try await f.office.post("/api/v1/tasks", json: ["unit": "grid", "title": "增容", "due": "2021-10-20", "note": atLimit]).status == 201)
    }

    @Test func dateDefaultsToTodayInTheDistrict() async throws {
        let f = try await CampaignFixture.start(clock: "2021-10-15T23:30:00+08:00")
        defer { f.stop() }
        let reply = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: nil, [10, 5, 0, 0, 0]))
        #expect(reply.status == 201)
        #expect(reply.json["date"] as? String == "2021-10-15")
        #expect(reply.json["status"] as? String == "late")
    }

    @Test func funnelOrderTargetsAndSignsAreEachNamed() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        let reply = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [300, 310, 400, -1, 0]))
        #expect(reply.status == 422)
        #expect(reply.errorCode == "validation_failed")
        let fields = Set(reply.errorFields)
        #expect(fields.contains("villages[0].signed"))      // signed 310 > confirmed 300
        #expect(fields.contains("villages[0].installed"))   // 400 > target 320 and > signed
        #expect(fields.contains("villages[0].accepted"))    // negative
        let missing = try await f.xiatuanpu.get("/api/v1/reports/xiatuanpu/2021-10-15")
        #expect(missing.status == 404)
    }

    @Test func wrongTypesNameTheField() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        var body = CampaignFixture.report(date: "2021-10-15", [1, 1, 1, 1, 1])
        body["villages"] = [["village": "xtp-dongcun", "path": "household_electric", "confirmed": "many", "signed": 1,
                             "installed": 1, "accepted": 1, "operating": 1.5]]
        let reply = try await f.xiatuanpu.post("/api/v1/reports", json: body)
        #expect(reply.status == 422)
        #expect(reply.errorFields.contains("villages[0].confirmed") || reply.errorFields.contains("villages[0].operating"))
        let notJSON = try await f.xiatuanpu.send("POST", "/api/v1/reports", body: Data("{\"date\":".utf8),
                                                 headers: ["Content-Type": "application/json"])
        #expect(notJSON.status == 400)
        #expect(notJSON.errorCode == "malformed_json")
        // Fuel is both figures or none: one left out is named, not read as 0 tonnes.
        var partialFuel = CampaignFixture.report(date: "2021-10-15", [1, 1, 1, 1, 1])
        partialFuel["fuel"] = ["cleanCoalTons": 20]
        let noBiomass = try await f.xiatuanpu.post("/api/v1/reports", json: partialFuel)
        #expect(noBiomass.status == 422 && noBiomass.errorFields == ["fuel.biomassTons"])
        let wrongType = try await f.xiatuanpu.send("POST", "/api/v1/reports", body: Data("date=2021-10-15".utf8),
                                                   headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(wrongType.status == 415)
        // JSON has no charset (RFC 8259 §11: a parameter has no effect): the body is read as UTF-8 whatever it says,
        // and bytes that are not UTF-8 are a malformed body.
        let oneReport = try JSONSerialization.data(withJSONObject: CampaignFixture.report(date: "2021-10-15", [1, 1, 1, 1, 1]))
        let latin = try await f.xiatuanpu.send("POST", "/api/v1/reports?dryRun=true", body: oneReport,
                                               headers: ["Content-Type": "Application/JSON; charset=iso-8859-1"])
        #expect(latin.status == 200, "\(latin.text)")
        let notUTF8 = try await f.xiatuanpu.send("POST", "/api/v1/reports?dryRun=true", body: Data([0x7B, 0x22, 0xE9, 0x22, 0x3A, 0x31, 0x7D]),
                                                 headers: ["Content-Type": "application/json; charset=iso-8859-1"])
        #expect(notUTF8.status == 400 && notUTF8.errorCode == "malformed_json", "\(notUTF8.text)")
        // A gzip body is no JSON body to read: 415 naming the coding, not a parse error at byte 0.
        let gzipped = try await f.xiatuanpu.send("POST", "/api/v1/reports", body: Data([0x1F, 0x8B, 0x08, 0x00]),
                                                 headers: ["Content-Type": "application/json", "Content-Encoding": "gzip"])
        #expect(gzipped.status == 415 && gzipped.errorFields == ["Content-Encoding"] && gzipped.header("Accept-Encoding") == "identity",
                "\(gzipped.text)")
        // An empty Content-Encoding names no coding (sent raw: a client library may drop the empty field).
        let raw = try RawHTTPClient(port: f.server.port)
        try raw.send("POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(try #require(f.xiatuanpu.token))\r\n"
                     + "Content-Type: application/json\r\nContent-Encoding:\r\nContent-Length: 1\r\n\r\n{")
        let empty = try raw.readResponse()
        #expect(empty.status == 400 && empty.text.contains("malformed_json"), "an empty coding is none: \(empty.text)")
        // The message names the type to send, readable as it is: application/json, not application\/json.
        #expect(wrongType.text.contains("application/json") && !wrongType.text.contains("\\/"), "\(wrongType.text)")
        let misspelt = try await f.xiatuanpu.post("/api/v1/reports", json: ["date": "2021-10-15", "vilages": []])
        #expect(misspelt.status == 422)
        #expect(misspelt.errorFields == ["vilages"])
    }

    @Test func unknownVillageFutureDateAndSeasonBounds() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        let unknown = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [1, 0, 0, 0, 0], village: "no-such"))
        #expect(unknown.status == 422)
        #expect(unknown.errorCode == "unknown_village")
        #expect(unknown.errorFields == ["villages[0].village"])
        // Another unit's village is unknown to this unit.
        let foreign = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [1, 0, 0, 0, 0], village: "zr-nancun", path: "biomass"))
        #expect(foreign.errorCode == "unknown_village")
        let future = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-16", [1, 0, 0, 0, 0]))
        #expect(future.status == 422)
        #expect(future.errorCode == "future_date")
        let before = try await f.office.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-07-25", [1, 0, 0, 0, 0], extra: ["unit": "xiatuanpu"]))
        #expect(before.status == 422)
        #expect(before.errorCode == "outside_season")
        #expect(before.text.contains("（2021 采暖季报送期为 2021-07-26 至 2022-04-15）"), "\(before.text)")
    }

    @Test func lateWindowClosesForReportersNotForTheOfficeAndReopeningOpensIt() async throws {
        let f = try await CampaignFixture.start(clock: "2021-10-20T10:00:00+08:00")
        defer { f.stop() }
        let withinWindow = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-17", [10, 0, 0, 0, 0]))
        #expect(withinWindow.status == 201)
        #expect(withinWindow.json["status"] as? String == "late")
        let closed = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-16", [10, 0, 0, 0, 0]))
        #expect(closed.status == 409)
        #expect(closed.errorCode == "period_closed")
        let office = try await f.office.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-16", [10, 0, 0, 0, 0], extra: ["unit": "xiatuanpu"]))
        #expect(office.status == 201)
        // A day the office returns (退回) past the window is the unit's to resubmit, once: then it is closed again.
        #expect(try await f.office.put("/api/v1/reports/xiatuanpu/2021-10-16/review", json: ["state": "returned", "note": "请核实"]).status == 200)
        let answer = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-16", [10, 0, 0, 0, 0], extra: ["nextDayPlan": "已核实"]))
        #expect(answer.status == 200 && answer.json["revision"] as? Int == 2, "\(answer.text)")
        // Its answer lost, curl sends it again: the stored revision, not 409.
        let retried = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-16", [10, 0, 0, 0, 0], extra: ["nextDayPlan": "已核实"]))
        #expect(retried.status == 200 && retried.json["revision"] as? Int == 2, "\(retried.text)")
        let again = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-16", [10, 0, 0, 0, 0], extra: ["nextDayPlan": "再次修改"]))
        #expect(again.status == 409 && again.errorCode == "period_closed")

        // Year 10000 in UTC or in the district: refused, as no snapshot could hold it.
        for until in ["9999-12-31T23:59:59-01:00", "10000-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "9999-12-31T20:00:00Z",
                      "1900-01-01T12:00:00Z"] {
            let unstorable = try await f.office.post("/api/v1/reports/xiatuanpu/2021-10-12/reopen",
                                                     json: ["until": until, "reason": "系统故障未能报送"])
            #expect(unstorable.status == 422 && unstorable.errorFields == ["until"], "\(until)")
        }
        // Nor may the test clock take the district there.
        await #expect(throws: (any Error).self) { try await f.admin.setClock("9999-12-31T20:00:00Z") }
        // A day outside the season, or one not yet come, has nothing to reopen.
        for (date, code) in [("2021-07-01", "outside_season"), ("2030-01-05", "future_date")] {
            let nothing = try await f.office.post("/api/v1/reports/xiatuanpu/\(date)/reopen",
                                                  json: ["until": "2021-10-20T18:00:00+08:00", "reason": "系统故障未能报送"])
            #expect(nothing.status == 422 && nothing.errorCode == code && nothing.errorFields == ["date"], "\(date)")
        }
        // A reason of nothing visible is no reason, here as for a correction.
        let blank = try await f.office.post("/api/v1/reports/xiatuanpu/2021-10-12/reopen",
                                            json: ["until": "2021-10-20T18:00:00+08:00", "reason": "\n\u{200B}"])
        #expect(blank.status == 422 && blank.errorFields == ["reason"])
        let stillClosed = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-12", [5, 0, 0, 0, 0]))
        #expect(stillClosed.status == 409)
        let reopen = try await f.office.post("/api/v1/reports/xiatuanpu/2021-10-12/reopen",
                                             json: ["until": "2021-10-20T18:00:00+08:00", "reason": "系统故障未能报送"])
        #expect(reopen.status == 200)
        let reopened = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-12", [5, 0, 0, 0, 0]))
        #expect(reopened.status == 201)
        // Judged to the second, as the deadline is: what a receipt shows as 18:00:00 is within it.
        try await f.admin.setClock("2021-10-20T18:00:00.900+08:00")
        #expect(try await f.xiatuanpu.post("/api/v1/reports?dryRun=true", json: CampaignFixture.report(date: "2021-10-12", [6, 0, 0, 0, 0])).status == 200)
        try await f.admin.setClock("2021-10-20T18:00:01+08:00")
        let expired = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-12", [6, 0, 0, 0, 0]))
        #expect(expired.status == 409)
    }

    @Test func decreaseNeedsACorrectionAndOmittedVillagesCarryTheirCounts() async throws {
        let f = try await CampaignFixture.start(clock: "2021-10-16T10:00:00+08:00")
        defer { f.stop() }
        let both: [String: Any] = ["date": "2021-10-15", "villages": [
            ["village": "xtp-dongcun", "path": "household_electric", "confirmed": 300, "signed": 200, "installed": 100, "accepted": 50, "operating": 40],
            ["village": "xtp-xicun", "path": "biomass", "confirmed": 100, "signed": 90, "installed": 80, "accepted": 70, "operating": 60],
        ]]
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: both).status == 201)
        // 16th: only 东村; 西村 keeps 80 installed.
        let onlyDongcun = CampaignFixture.report(date: "2021-10-16", [300, 210, 110, 50, 40])
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: onlyDongcun).status == 201)
        // A lower 西村 count on the 16th is a decrease against the carried 80.
        let lower = CampaignFixture.report(date: "2021-10-16", [100, 90, 79, 70, 60], village: "xtp-xicun", path: "biomass")
        let refused = try await f.xiatuanpu.post("/api/v1/reports", json: lower)
        #expect(refused.status == 422)
        #expect(refused.errorFields == ["villages[0].installed"])
        // A blank correction is none: it explains no decrease, and where none is needed it is not stored (the body is
        // then the same as the last revision, and answered as that revision again).
        var blank = lower
        // Spaces, a zero-width space, a Hangul filler, the blank braille pattern, a variation selector: nothing seen.
        for invisible in [" \u{200B} ", "\u{3164}", "\u{2800}", "\u{115F}\u{1160}", "\u{034F}\u{FE0F}"] {
            blank["correction"] = invisible
            let blankRefused = try await f.xiatuanpu.post("/api/v1/reports", json: blank)
            #expect(blankRefused.status == 422 && blankRefused.errorFields == ["villages[0].installed"], "\(invisible.unicodeScalars.map(\.value)): \(blankRefused.text)")
        }
        var blankUnneeded = onlyDongcun
        blankUnneeded["correction"] = ""
        let same = try await f.xiatuanpu.post("/api/v1/reports", json: blankUnneeded)
        #expect(same.status == 200 && same.json["revision"] as? Int == 1, "\(same.text)")
        let stored = try await f.xiatuanpu.get("/api/v1/reports/xiatuanpu/2021-10-16").json
        #expect(stored["revision"] as? Int == 1 && (stored["correction"] == nil || stored["correction"] is NSNull), "\(stored)")
        var corrected = lower
        corrected["correction"] = "前日多报1户，已核实更正"
        let accepted = try await f.xiatuanpu.post("/api/v1/reports", json: corrected)
        #expect(accepted.status == 200)
        #expect(accepted.json["revision"] as? Int == 2)
        // A third revision of the 16th that names no village (issues only) keeps both villages as the day's
        // earlier revisions left them, in the bulletin and as the base a decrease is checked against.
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: ["date": "2021-10-16", "issues": ["补充：燃料短缺"]]).status == 200)
        let byUnit = try await f.office.get("/api/v1/bulletins/2021-10-16").json["byUnit"] as? [[String: Any]]
        #expect(byUnit?.first { $0["unit"] as? String == "xiatuanpu" }?["installed"] as? Int == 110 + 79)
        let dongcunLower = CampaignFixture.report(date: "2021-10-16", [300, 210, 109, 50, 40])
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: dongcunLower).errorFields == ["villages[0].installed"])
    }

    @Test func identicalResubmissionMakesNoNewRevision() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        let body = CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 200, 180])
        let first = try await f.xiatuanpu.post("/api/v1/reports", json: body)
        try await f.admin.setClock("2021-10-15T19:00:00+08:00")
        let retry = try await f.xiatuanpu.post("/api/v1/reports", json: body)
        #expect(first.status == 201)
        #expect(retry.status == 200)
        #expect(retry.json["revision"] as? Int == 1)
        #expect(retry.json["submittedAt"] as? String == first.json["submittedAt"] as? String)
        let stored = try await f.office.get("/api/v1/reports/xiatuanpu/2021-10-15")
        #expect(stored.json["revisions"] as? Int == 1)
    }

    @Test func dryRunChecksEverythingAndStoresNothing() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        let dry = try await f.xiatuanpu.post("/api/v1/reports?dryRun=true", json: CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 200, 180]))
        #expect(dry.status == 200)
        #expect(dry.json["revision"] as? Int == 1)
        #expect(dry.json["status"] as? String == "on_time")
        #expect(dry.json["dryRun"] as? Bool == true) // not to be taken for a stored report
        let badDry = try await f.xiatuanpu.post("/api/v1/reports?dryRun=true", json: CampaignFixture.report(date: "2021-10-15", [1, 2, 0, 0, 0]))
        #expect(badDry.status == 422)
        #expect(try await f.office.get("/api/v1/reports/xiatuanpu/2021-10-15").status == 404)
        let audit = try await f.office.get("/api/v1/audit?from=2021-10-15&to=2021-10-15")
        let actions = (audit.json["entries"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
        #expect(!actions.contains("report.submit"))
    }

    @Test func cleanCoalIsCappedAtThreeTonnesPerConfirmedHousehold() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        let base = CampaignFixture.report(date: "2021-10-15", [40, 0, 0, 0, 0], village: "xtp-xicun", path: "clean_coal")
        var over = base
        over["fuel"] = ["cleanCoalTons": 120.5, "biomassTons": 30]
        let refused = try await f.xiatuanpu.post("/api/v1/reports", json: over)
        #expect(refused.status == 422)
        #expect(refused.errorFields == ["fuel.cleanCoalTons"])
        var within = base
        within["fuel"] = ["cleanCoalTons": 120, "biomassTons": 30]
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: within).status == 201)
    }

    @Test func plausibilityWarningsDoNotBlock() async throws {
        let f = try await CampaignFixture.start(clock: "2021-10-16T10:00:00+08:00")
        defer { f.stop() }
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [320, 300, 10, 0, 0])).status == 201)
        let jump = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-16", [320, 300, 290, 0, 0]))
        #expect(jump.status == 201)
        let rules = (jump.json["warnings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(rules == ["implausible_jump"])
    }

    @Test func revisionsDiffAndEarlierRevisions() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        _ = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 200, 180]))
        _ = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [320, 300, 260, 200, 180]))
        let latest = try await f.xiatuanpu.get("/api/v1/reports/xiatuanpu/2021-10-15")
        #expect(latest.json["revision"] as? Int == 2)
        #expect(latest.json["revisions"] as? Int == 2)
        let first = try await f.xiatuanpu.get("/api/v1/reports/xiatuanpu/2021-10-15?revision=1")
        #expect(((first.json["villages"] as? [[String: Any]])?.first?["installed"]) as? Int == 250)
        let diff = try await f.office.get("/api/v1/reports/xiatuanpu/2021-10-15/diff?from=1&to=2")
        let changes = diff.json["changes"] as? [[String: Any]] ?? []
        #expect(changes.count == 1)
        #expect(changes.first?["field"] as? String == "villages[xtp-dongcun/household_electric].installed")
        #expect(changes.first?["old"] as? String == "250")
        #expect(changes.first?["new"] as? String == "260")
        // A third revision sends another village and fuel only: the diff compares the day as it stood, so 东村's
        // counts, kept from revision 2 (and counted by the bulletin), are no deletion.
        let third = CampaignFixture.report(date: "2021-10-15", [100, 90, 80, 70, 60], village: "xtp-xicun", path: "biomass",
                                           extra: ["fuel": ["cleanCoalTons": 0, "biomassTons": 12.5]])
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: third).status == 200)
        let kept = try await f.office.get("/api/v1/reports/xiatuanpu/2021-10-15/diff?from=2&to=3")
        let keptChanges = (kept.json["changes"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        #expect(!keptChanges.contains { $0.hasPrefix("villages[xtp-dongcun/") }, "\(keptChanges)")
        #expect(keptChanges.contains("villages[xtp-xicun/biomass].installed") && keptChanges.contains("fuel.biomassTons"), "\(keptChanges)")
        #expect(try await f.office.get("/api/v1/reports/xiatuanpu/2021-10-15?revision=4").status == 404)
        // From the day before too: 10-14's first revision sends 西村 only, and takes 东村 and the fuel from 10-13;
        // its second sends them as they were. Nothing changed in effect, and the diff says nothing.
        let fuel: [String: Any] = ["fuel": ["cleanCoalTons": 0, "biomassTons": 12.5]]
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-13", [300, 280, 200, 150, 100], extra: fuel)).status == 201)
        let xicun = ["village": "xtp-xicun", "path": "biomass", "confirmed": 100, "signed": 90, "installed": 80, "accepted": 70, "operating": 60] as [String: Any]
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-14", [100, 90, 80, 70, 60], village: "xtp-xicun", path: "biomass")).status == 201)
        var same = CampaignFixture.report(date: "2021-10-14", [300, 280, 200, 150, 100], extra: fuel)
        same["villages"] = (same["villages"] as? [[String: Any]] ?? []) + [xicun]
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: same).status == 200)
        let carried = try await f.office.get("/api/v1/reports/xiatuanpu/2021-10-14/diff?from=1&to=2")
        #expect((carried.json["changes"] as? [Any])?.isEmpty == true, "\(carried.text)")
        #expect(try await f.office.get("/api/v1/reports/xiatuanpu/2021-10-15?revision=x").status == 400)
        // A reporter sees its own unit only.
        #expect(try await f.zirun.get("/api/v1/reports/xiatuanpu/2021-10-15").status == 403)
        let list = try await f.zirun.get("/api/v1/reports?date=2021-10-15")
        #expect((list.json["reports"] as? [Any])?.count == 0)
        let all = try await f.supervisor.get("/api/v1/reports?date=2021-10-15")
        #expect((all.json["reports"] as? [Any])?.count == 1)
    }

    @Test func reviewStatesAndAReturnedReportGoesBackToReceived() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        _ = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 200, 180]))
        let returned = try await f.office.put("/api/v1/reports/xiatuanpu/2021-10-15/review", json: ["state": "returned", "note": "东村安装数与验收数不符"])
        #expect(returned.status == 200)
        #expect(try await f.xiatuanpu.get("/api/v1/reports/xiatuanpu/2021-10-15").json["review"].flatMap { ($0 as? [String: Any])?["state"] as? String } == "returned")
        _ = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 210, 180]))
        let after = try await f.xiatuanpu.get("/api/v1/reports/xiatuanpu/2021-10-15")
        #expect((after.json["review"] as? [String: Any])?["state"] as? String == "received")
        // Returned again, and resubmitted unchanged (the figures checked and found right): that is the unit's
        // answer, stored as a revision, and the day is received again.
        #expect(try await f.office.put("/api/v1/reports/xiatuanpu/2021-10-15/review", json: ["state": "returned"]).status == 200)
        let unchanged = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 210, 180]))
        #expect(unchanged.status == 200 && unchanged.json["revision"] as? Int == 3)
        let answered = try await f.xiatuanpu.get("/api/v1/reports/xiatuanpu/2021-10-15")
        #expect((answered.json["review"] as? [String: Any])?["state"] as? String == "received")
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 210, 180])).json["revision"] as? Int == 3)
        #expect(try await f.office.put("/api/v1/reports/xiatuanpu/2021-10-15/review", json: ["state": "maybe"]).status == 422)
        #expect(try await f.xiatuanpu.put("/api/v1/reports/xiatuanpu/2021-10-15/review", json: ["state": "confirmed"]).status == 403)
        #expect(try await f.office.put("/api/v1/reports/zirun/2021-10-15/review", json: ["state": "confirmed"]).status == 404)
    }

    /// Text nobody can see (a Hangul filler, a zero-width space) is no text: a name or title or label of it is
    /// refused; an optional plan of it is none, so it makes no new revision.
    @Test func invisibleTextIsNoText() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        let filler = "\u{3164}"
        #expect(try await f.office.post("/api/v1/tasks", json: ["unit": "grid", "title": filler, "due": "2021-10-20"]).errorFields == ["title"])
        #expect(try await f.admin.post("/api/v1/tokens", json: ["role": "office", "label": filler]).errorFields == ["label"])
        #expect(try await f.office.put("/api/v1/villages/zr-x", json: ["name": filler, "unit": "zirun", "area": "rural", "targets": ["biomass": 1]]).errorFields == ["name"])
        var report = CampaignFixture.report(date: "2021-10-15", [320, 300, 250, 200, 180])
        report["nextDayPlan"] = nil
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: report).json["revision"] as? Int == 1)
        for blank in ["", "\u{200B}", filler, "\u{2800}"] {
            report["nextDayPlan"] = blank
            #expect(try await f.xiatuanpu.post("/api/v1/reports", json: report).json["revision"] as? Int == 1, "\(blank.unicodeScalars.map(\.value))")
        }
        report["reporter"] = ["name": filler]
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: report).errorFields == ["reporter.name"])
        // Many overlapping records: five named, the count said, and what to do kept.
        for day in 1...7 {
            let date = String(format: "2021-09-%02d", day)
            #expect(try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": date, "to": date, "reason": "停电"]).status == 201)
        }
        let spanning = try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": "2021-09-01", "to": "2021-09-30", "reason": "整月"])
        #expect(spanning.status == 409 && spanning.text.contains("等 7 条") && spanning.text.contains("再登记"), "\(spanning.text)")
    }

    @Test func exemptionsAreCreatedListedAndRemoved() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        let created = try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": "2021-10-01", "to": "2021-10-07", "reason": "国庆假期"])
        #expect(created.status == 201)
        let id = try #require(created.json["id"] as? String)
        #expect(try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": "2021-10-07", "to": "2021-10-01", "reason": "x"]).status == 422)
        #expect(try await f.office.post("/api/v1/exemptions", json: ["unit": "nowhere", "from": "2021-10-01", "to": "2021-10-01", "reason": "x"]).status == 422)
        // The plan's name stands for the id: the same exemption, so a conflict.
        let byName = try await f.office.post("/api/v1/exemptions", json: ["unit": "滋润乡", "from": "2021-10-01", "to": "2021-10-07", "reason": "国庆假期"])
        #expect(byName.status == 409, "\(byName.text)")
        // An overlapping period is refused, naming the record to withdraw first; an adjacent one is taken.
        let overlapping = try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": "2021-10-05", "to": "2021-10-09", "reason": "延长"])
        #expect(overlapping.status == 409 && overlapping.text.contains(id) && overlapping.text.contains("DELETE"), "\(overlapping.text)")
        let adjacent = try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": "2021-10-08", "to": "2021-10-09", "reason": "延长"])
        #expect(adjacent.status == 201, "\(adjacent.text)")
        // A period across both names both records to withdraw.
        let across = try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": "2021-10-06", "to": "2021-10-08", "reason": "合并"])
        let adjacentID = try #require(adjacent.json["id"] as? String)
        #expect(across.status == 409 && across.text.contains(id) && across.text.contains(adjacentID), "\(across.text)")
        #expect(try await f.office.delete("/api/v1/exemptions/\(adjacentID)").status == 204)
        // The same exemption again (a retry) is a conflict, not a second record; a period with no reporting day
        // (a typo'd year) exempts nothing and is refused.
        let again = try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": "2021-10-01", "to": "2021-10-07", "reason": "国庆假期"])
        #expect(again.status == 409 && again.errorFields == ["from"])
        let wrongYear = try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": "2019-10-01", "to": "2019-10-07", "reason": "国庆假期"])
        #expect(wrongYear.status == 422 && wrongYear.errorCode == "outside_season" && wrongYear.errorFields == ["from"])
        #expect(wrongYear.text.contains("2019-10-01 至 2019-10-07 没有报送日"), "\(wrongYear.text)")
        let list = try await f.supervisor.get("/api/v1/exemptions")
        #expect((list.json["exemptions"] as? [Any])?.count == 1)
        #expect(try await f.office.delete("/api/v1/exemptions/\(id)").status == 204)
        #expect(try await f.office.delete("/api/v1/exemptions/\(id)").status == 404)
    }
}
