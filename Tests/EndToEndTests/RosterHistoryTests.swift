import Foundation
import Testing
import TestSupport

/// A day's bulletin is judged by the roster as it stood when the day's late window closed (3 days): a target
/// corrected or a village registered later does not rewrite it, except that a report naming a village registered
/// since (here the office's, past the window) brings that village in.
@Suite struct RosterHistoryTests {
    @Test func aPastDaysBulletinKeepsItsRosterThroughLaterChangesAndRestarts() async throws {
        // 东村 (household_electric 320, biomass 40) and 西村 (biomass 100, clean coal 50: no completion path) on 10-14.
        let f = try await CampaignFixture.start(clock: "2021-10-14T10:00:00+08:00")
        defer { f.stop() }
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: nil, [320, 300, 100, 0, 0])).status == 201)

        try await f.admin.setClock("2021-10-20T10:00:00+08:00")
        let corrected = try await f.office.put("/api/v1/villages/xtp-dongcun", json: [
            "name": "东村", "unit": "xiatuanpu", "area": "rural", "targets": ["household_electric": 400, "biomass": 40]])
        #expect(corrected.status == 200, "\(corrected.text)")
        let registered = try await f.office.post("/api/v1/villages", json: [
            "id": "xtp-beicun", "name": "北村", "unit": "xiatuanpu", "area": "rural", "targets": ["biomass": 200]])
        #expect(registered.status == 201, "\(registered.text)")
        // The office files 10-15 for 下团堡乡 on 10-20, past the window, naming 北村, registered on 10-20.
        let late = CampaignFixture.report(date: "2021-10-15", [200, 100, 50, 0, 0], village: "xtp-beicun", path: "biomass",
                                          extra: ["unit": "xiatuanpu"])
        #expect(try await f.office.post("/api/v1/reports", json: late).status == 201)

        // xiatuanpu's target by day, each as of its window's end (D + 3): none registered by 10-13; 320 + 40 + 100
        // from 10-14; 北村's 200 on 10-15 and 10-16 (a report names it, carried to 10-16); 400 + 40 + 100 + 200 once the window reaches 10-20.
        let expected = ["2021-10-10": 0, "2021-10-11": 460, "2021-10-14": 460, "2021-10-15": 660, "2021-10-16": 660,
                        "2021-10-17": 740, "2021-10-20": 740]
        func targets(_ client: APIClient) async throws -> [String: Int] {
            var found: [String: Int] = [:]
            for date in expected.keys {
                let bulletin = try await client.get("/api/v1/bulletins/\(date)")
                let line = (bulletin.json["byUnit"] as? [[String: Any]])?.first { $0["unit"] as? String == "xiatuanpu" }
                found[date] = line?["rosterTarget"] as? Int
            }
            return found
        }
        #expect(try await targets(f.supervisor) == expected)
        let text = try await f.supervisor.get("/api/v1/bulletins/2021-10-14?format=text").text
        #expect(text.contains("安装 100/460 户"), "\(text)")

        // The same after a restart that replays the WAL, and after one that reads a checkpoint's snapshot.
        #expect(f.server.stop() == 0)
        let replayed = try ServerProcess.start(dataFolder: f.server.dataFolder)
        let admin = APIClient(baseURL: replayed.baseURL, token: try replayed.adminToken)
        #expect(try await targets(admin) == expected)
        #expect(try await admin.post("/api/v1/admin/checkpoint", json: [:]).status == 200)
        #expect(replayed.stop() == 0)
        let fromSnapshot = try ServerProcess.start(dataFolder: f.server.dataFolder)
        defer { fromSnapshot.stop() }
        #expect(try await targets(APIClient(baseURL: fromSnapshot.baseURL, token: try fromSnapshot.adminToken)) == expected)
        let snapshot = try #require(try FileManager.default.contentsOfDirectory(atPath: f.server.dataFolder.path)
            .first { $0.hasPrefix("snapshot-") })
        let history = try Data(contentsOf: f.server.dataFolder.appendingPathComponent("\(snapshot)/roster-history.json"))
        #expect(String(decoding: history, as: UTF8.self).contains("\"2021-10-20\""))
    }

    /// What keeps a day's figures within its roster: a target may not go below what a day still open reported, and
    /// a report for a day already settled (the office's correction) is checked against the roster that day settled
    /// with, not against targets raised or paths added since.
    @Test func figuresStayWithinTheRosterTheirDayIsJudgedBy() async throws {
        let f = try await CampaignFixture.start(clock: "2021-10-12T10:00:00+08:00") // 东村: household_electric 320
        defer { f.stop() }
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: nil, [300, 280, 250, 0, 0])).status == 201)
        try await f.admin.setClock("2021-10-13T10:00:00+08:00")
        var lowered = CampaignFixture.report(date: nil, [200, 200, 200, 0, 0])
        lowered["correction"] = "东村确户数核减为200户"
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: lowered).status == 201)
        let dongcun: [String: Any] = ["name": "东村", "unit": "xiatuanpu", "area": "rural", "targets": ["household_electric": 200, "biomass": 40]]
        // 10-12 (300 confirmed) is open until 10-15: its bulletin would read 250/200.
        let early = try await f.office.put("/api/v1/villages/xtp-dongcun", json: dongcun)
        #expect(early.status == 422 && early.errorFields == ["targets.household_electric"], "\(early.text)")
        try await f.admin.setClock("2021-10-16T10:00:00+08:00")
        #expect(try await f.office.put("/api/v1/villages/xtp-dongcun", json: dongcun).status == 200)

        // Raised and given a path on 10-16: a correction of 10-12 (settled on 10-15 at 320, no gas) is held to 10-12's roster.
        var raised = dongcun
        raised["targets"] = ["household_electric": 500, "biomass": 40, "gas": 50]
        #expect(try await f.office.put("/api/v1/villages/xtp-dongcun", json: raised).status == 200)
        var correction = CampaignFixture.report(date: "2021-10-12", [400, 300, 250, 0, 0], extra: ["unit": "xiatuanpu"])
        correction["correction"] = "补正"
        let above = try await f.office.post("/api/v1/reports", json: correction)
        #expect(above.status == 422, "\(above.text)")
        var gas = CampaignFixture.report(date: "2021-10-12", [10, 10, 10, 0, 0], path: "gas", extra: ["unit": "xiatuanpu"])
        gas["correction"] = "补报燃气"
        let newPath = try await f.office.post("/api/v1/reports", json: gas)
        #expect(newPath.status == 422 && newPath.errorFields == ["villages[0].path"], "\(newPath.text)")
        // Within 10-12's roster it is taken, and 10-12 reads against 320.
        correction["villages"] = [["village": "xtp-dongcun", "path": "household_electric", "confirmed": 310, "signed": 300,
                                   "installed": 260, "accepted": 0, "operating": 0]]
        let taken = try await f.office.post("/api/v1/reports", json: correction)
        #expect(taken.status == 200, "\(taken.text)") // a new revision of the day
        let text = try await f.office.get("/api/v1/bulletins/2021-10-12?format=text").text
        #expect(text.contains("安装 260/460 户"), "\(text)")
    }

    /// A settled day's correction carries forward until the village is next reported: it is held to every roster
    /// those days are judged by, so a target lowered or a village moved since cannot be overrun through it. A
    /// village registered since comes into the day as first registered, and a later lowering stays off that day.
    @Test func aSettledDaysCorrectionIsHeldToEveryRosterItCarriesInto() async throws {
        let f = try await CampaignFixture.start(clock: "2021-10-01T10:00:00+08:00") // 东村, 西村 of 下团堡乡; 南村 of 滋润乡
        defer { f.stop() }
        func village(_ id: String, _ unit: String, _ gas: Int) -> [String: Any] {
            ["id": id, "name": id, "unit": unit, "area": "rural", "targets": ["gas": gas]]
        }
        #expect(try await f.office.post("/api/v1/villages", json: village("xtp-c", "xiatuanpu", 100)).status == 201)
        #expect(try await f.office.post("/api/v1/villages", json: village("xtp-m", "xiatuanpu", 60)).status == 201)
        try await f.admin.setClock("2021-10-17T10:00:00+08:00")
        var lowered = village("xtp-c", "xiatuanpu", 70)
        lowered["id"] = nil
        #expect(try await f.office.put("/api/v1/villages/xtp-c", json: lowered).status == 200)
        var moved = village("xtp-m", "zirun", 60)
        moved["id"] = nil
        #expect(try await f.office.put("/api/v1/villages/xtp-m", json: moved).status == 200)
        #expect(try await f.office.post("/api/v1/villages", json: village("xtp-n", "xiatuanpu", 60)).status == 201)
        #expect(try await f.office.post("/api/v1/villages", json: village("xtp-q", "xiatuanpu", 50)).status == 201)

        func correction(_ date: String, _ village: String, installed: Int) -> [String: Any] {
            ["unit": "xiatuanpu", "date": date, "correction": "补正",
             "villages": [["village": village, "path": "gas", "confirmed": installed, "signed": installed, "installed": installed,
                           "accepted": 0, "operating": 0]]]
        }
        // 10-05 settled with xtp-c at 100, but 90 would carry to today, where it is 70.
        let over = try await f.office.post("/api/v1/reports", json: correction("2021-10-05", "xtp-c", installed: 90))
        #expect(over.status == 422 && over.errorFields.contains("villages[0].installed") && over.text.contains("任务 70 户"), "\(over.text)")
        #expect(try await f.office.post("/api/v1/reports", json: correction("2021-10-05", "xtp-c", installed: 70)).status == 201)
        // xtp-m was 下团堡乡's on 10-10, but what it reports would carry past its move to 滋润乡.
        let away = try await f.office.post("/api/v1/reports", json: correction("2021-10-10", "xtp-m", installed: 10))
        #expect(away.status == 422 && away.errorFields == ["villages[0].village"] && away.text.contains("有时登记在其他单位"), "\(away.text)")
        // xtp-n, registered on 10-17, comes into 10-10 as first registered (60); lowering it later leaves 10-10 alone.
        #expect(try await f.office.post("/api/v1/reports", json: correction("2021-10-10", "xtp-n", installed: 60)).status == 201)
        try await f.admin.setClock("2021-10-18T10:00:00+08:00")
        let now = CampaignFixture.report(date: nil, [30, 30, 30, 0, 0], village: "xtp-n", path: "gas", extra: ["correction": "核减"])
        let reported = try await f.xiatuanpu.post("/api/v1/reports", json: now)
        #expect([200, 201].contains(reported.status), "\(reported.text)")
        // Registered to 下团堡乡 on 10-17 and moved to 滋润乡 on 10-18: 滋润乡's figures for 10-02 would carry into days
        // that settled with it under 下团堡乡.
        #expect(try await f.office.put("/api/v1/villages/xtp-q", json: ["name": "xtp-q", "unit": "zirun", "area": "rural", "targets": ["gas": 50]]).status == 200)
        var across = correction("2021-10-02", "xtp-q", installed: 10)
        across["unit"] = "zirun"
        let crossed = try await f.office.post("/api/v1/reports", json: across)
        #expect(crossed.status == 422 && crossed.text.contains("有时登记在其他单位"), "\(crossed.text)")
        var smaller = village("xtp-n", "xiatuanpu", 40)
        smaller["id"] = nil
        let early = try await f.office.put("/api/v1/villages/xtp-n", json: smaller)
        // 10-15, the first day still open, carries 10-10's 60: the message names the day.
        #expect(early.status == 422 && early.text.contains("2021-10-15 的确户数 60（沿用此前的报送）"), "\(early.text)")
        try await f.admin.setClock("2021-10-21T10:00:00+08:00") // 10-17, the last day carrying 60, has settled
        #expect(try await f.office.put("/api/v1/villages/xtp-n", json: smaller).status == 200)
        func gas(_ date: String) async throws -> (target: Int?, installed: Int?) {
            let paths = try await f.office.get("/api/v1/bulletins/\(date)").json["byPath"] as? [[String: Any]] ?? []
            let line = paths.first { $0["path"] as? String == "gas" }
            return (line?["rosterTarget"] as? Int, line?["installed"] as? Int)
        }
        let tenth = try await gas("2021-10-10")
        #expect(tenth.target == 100 + 60 + 60 && tenth.installed == 60 + 70, "\(tenth)") // xtp-c at 100 then; xtp-m; xtp-n
    }
}
