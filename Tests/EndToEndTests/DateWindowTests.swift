import Foundation
import Testing
import TestSupport

/// Date windows count both of their ends, as a clerk counts days: 366 days pass, 367 do not.
@Suite struct DateWindowTests {
    @Test func auditWindowAndItsDefaults() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        #expect(try await f.office.get("/api/v1/audit?from=2021-10-16&to=2022-10-16").status == 200) // 366 days
        let long = try await f.office.get("/api/v1/audit?from=2021-10-16&to=2022-10-17") // 367
        #expect(long.status == 400 && long.errorFields == ["to"], "\(long.text)")
        // One end alone is that day: the fixture's writes happened today (its clock), and a `to` alone reaches them.
        let today = try await f.office.get("/api/v1/audit")
        let entries = try #require(today.json["entries"] as? [[String: Any]])
        #expect(!entries.isEmpty)
        let date = try #require(entries.first?["date"] as? String)
        for query in ["to=\(date)", "from=\(date)", "from=\(date)&to=\(date)"] {
            let reply = try await f.office.get("/api/v1/audit?\(query)")
            #expect(reply.status == 200 && (reply.json["entries"] as? [Any])?.count == entries.count, "\(query): \(reply.text)")
        }
        #expect((try await f.office.get("/api/v1/audit?to=2021-10-01").json["entries"] as? [Any])?.isEmpty == true)
    }

    @Test func anExemptionIsAtMostAYear() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let long = try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": "2021-10-16", "to": "2022-10-17", "reason": "撤并"])
        #expect(long.status == 422 && long.errorFields == ["to"], "\(long.text)")
        let year = try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": "2021-10-16", "to": "2022-10-16", "reason": "撤并"])
        #expect(year.status == 201, "\(year.text)")
    }
}
