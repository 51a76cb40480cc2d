import Foundation
import TestSupport

/// A running server with one token per role and two registered villages of 下团堡乡:
/// 东村 (household_electric 320, biomass 40) and 西村 (biomass 100, clean_coal 50).
struct CampaignFixture {
    let server: ServerProcess
    let admin: APIClient
    let office: APIClient
    let supervisor: APIClient
    /// Reporter bound to xiatuanpu (下团堡乡).
    let xiatuanpu: APIClient
    /// Reporter bound to zirun (滋润乡).
    let zirun: APIClient
    let tokenIDs: [String: String]

    static func start(config: URL? = nil, villages: Bool = true, clock: String = "2021-10-15T10:00:00+08:00") async throws -> CampaignFixture {
        let server = try ServerProcess.start(config: config)
        let admin = APIClient(baseURL: server.baseURL, token: try server.adminToken)
        try await admin.setClock(clock)
        var ids: [String: String] = [:]
        func issue(_ name: String, _ body: [String: Any]) async throws -> APIClient {
            let reply = try await admin.post("/api/v1/tokens", json: body)
            guard reply.status == 201, let token = reply.json["token"] as? String else {
                throw FixtureError.setup("token \(name): \(reply.status) \(reply.text)")
            }
            ids[name] = reply.json["id"] as? String
            return admin.with(token: token)
        }
        let office = try await issue("office", ["role": "office", "label": "领导小组办公室"])
        let supervisor = try await issue("supervisor", ["role": "supervisor", "label": "区政府督查室"])
        let xiatuanpu = try await issue("xiatuanpu", ["role": "reporter", "unit": "xiatuanpu", "label": "下团堡乡 统计员"])
        let zirun = try await issue("zirun", ["role": "reporter", "unit": "zirun", "label": "滋润乡 统计员"])
        let fixture = CampaignFixture(server: server, admin: admin, office: office, supervisor: supervisor,
                                      xiatuanpu: xiatuanpu, zirun: zirun, tokenIDs: ids)
        if villages { try await fixture.registerVillages() }
        return fixture
    }

    func registerVillages() async throws {
        for body: [String: Any] in [
            ["id": "xtp-dongcun", "name": "东村", "unit": "xiatuanpu", "area": "rural", "targets": ["household_electric": 320, "biomass": 40]],
            ["id": "xtp-xicun", "name": "西村", "unit": "xiatuanpu", "area": "rural", "targets": ["biomass": 100, "clean_coal": 50]],
            ["id": "zr-nancun", "name": "南村", "unit": "zirun", "area": "rural", "targets": ["biomass": 60]],
        ] {
            let reply = try await office.post("/api/v1/villages", json: body)
            guard reply.status == 201 else { throw FixtureError.setup("village: \(reply.status) \(reply.text)") }
        }
    }

    /// A report body for 东村's household_electric path with the given funnel.
    static func report(date: String?, _ counts: [Int], village: String = "xtp-dongcun", path: String = "household_electric",
                       extra: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = [
            "villages": [["village": village, "path": path, "confirmed": counts[0], "signed": counts[1],
                          "installed": counts[2], "accepted": counts[3], "operating": counts[4]]],
            "issues": ["东村变压器容量不足，需地电公司增容"],
            "nextDayPlan": "完成东村剩余50户设备安装",
            "reporter": ["name": "张三", "phone": "13800000000"],
        ]
        if let date { body["date"] = date }
        for (key, value) in extra { body[key] = value }
        return body
    }

    func stop() { server.stop() }
}

enum FixtureError: Error { case setup(String) }
