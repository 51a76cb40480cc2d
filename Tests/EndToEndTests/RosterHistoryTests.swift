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
}
