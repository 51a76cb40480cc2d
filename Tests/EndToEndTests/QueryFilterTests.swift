import Foundation
import Testing
import TestSupport

/// Query filters as a clerk types them: date windows count both of their ends (366 days pass, 367 do not), and
/// a unit filter names a unit.
@Suite struct QueryFilterTests {
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
        // The body's own mistake is named before any clash with what exists.
        let blank = try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": "2021-10-16", "to": "2022-10-16", "reason": " "])
        #expect(blank.status == 422 && blank.errorFields == ["reason"], "\(blank.text)")
    }

    @Test func aUnitFilterMustNameAUnit() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        for path in ["/api/v1/villages?unit=nope", "/api/v1/tasks?unit=nope", "/api/v1/reports?date=2021-10-15&unit=nope", "/api/v1/tasks?unit="] {
            let reply = try await f.office.get(path)
            #expect(reply.status == 400 && reply.errorFields == ["unit"] && reply.text.contains("没有单位"), "\(path): \(reply.text)")
        }
        for path in ["/api/v1/villages?unit=zirun", "/api/v1/tasks?unit=grid", "/api/v1/reports?date=2021-10-15&unit=zirun"] {
            #expect(try await f.office.get(path).status == 200, "\(path)")
        }
    }
}
