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
        // Neither end: today. One end alone: that day. The fixture's writes are of its first day; two days on, a `to`
        // alone still reaches them (it once met a default `from` of today and was refused).
        let first = try #require((try await f.office.get("/api/v1/audit").json["entries"] as? [[String: Any]]))
        #expect(!first.isEmpty)
        let date = try #require(first.first?["date"] as? String)
        try await f.admin.setClock("2021-10-18T09:00:00+08:00")
        let today = try await f.office.get("/api/v1/audit")
        #expect((today.json["entries"] as? [Any])?.isEmpty == true, "today: none yet")
        #expect(today.json["from"] as? String == "2021-10-18" && today.json["to"] as? String == "2021-10-18", "the range used is echoed")
        for query in ["to=\(date)", "from=\(date)&to=\(date)"] {
            let reply = try await f.office.get("/api/v1/audit?\(query)")
            #expect(reply.status == 200 && (reply.json["entries"] as? [Any])?.count == first.count, "\(query): \(reply.text)")
        }
        let fromOnly = try await f.office.get("/api/v1/audit?from=\(date)")
        #expect((fromOnly.json["entries"] as? [Any])?.count == first.count, "\(fromOnly.text)")
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
        // A unit can see whether its own days are excused, not another unit's.
        #expect((try await f.zirun.get("/api/v1/exemptions").json["exemptions"] as? [Any])?.count == 1)
        #expect((try await f.xiatuanpu.get("/api/v1/exemptions").json["exemptions"] as? [Any])?.isEmpty == true)
    }

    @Test func aUnitFilterMustNameAUnit() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        for path in ["/api/v1/villages?unit=nope", "/api/v1/tasks?unit=nope", "/api/v1/reports?date=2021-10-15&unit=nope", "/api/v1/tasks?unit="] {
            let reply = try await f.office.get(path)
            #expect(reply.status == 400 && reply.errorFields == ["unit"] && reply.text.contains("没有单位"), "\(path): \(reply.text)")
        }
        // A unit the list cannot hold: only townships have villages and reports; the offices carry no tasks.
        for path in ["/api/v1/villages?unit=grid", "/api/v1/reports?date=2021-10-15&unit=grid", "/api/v1/tasks?unit=leading-group-office"] {
            let reply = try await f.office.get(path)
            #expect(reply.status == 400 && reply.errorFields == ["unit"] && reply.text.contains("不是此列表的单位"), "\(path): \(reply.text)")
        }
        for path in ["/api/v1/villages?unit=zirun", "/api/v1/tasks?unit=grid", "/api/v1/reports?date=2021-10-15&unit=zirun"] {
            #expect(try await f.office.get(path).status == 200, "\(path)")
        }
        // The plan's name is taken as the id (percent-encoded, or raw UTF-8 as curl sends it).
        let named = try await f.office.get("/api/v1/tasks?unit=\("山西地电朔州分公司".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)")
        #expect(named.status == 200, "\(named.text)")
    }

    /// One value per parameter: the first of two was answered, silently.
    @Test func aRepeatedParameterIsRefused() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let twice = try await f.office.get("/api/v1/bulletins/2021-10-15?format=csv&format=text")
        #expect(twice.status == 400 && twice.errorFields == ["format"] && twice.text.contains("不止一次"), "\(twice.text)")
        #expect(try await f.office.get("/api/v1/bulletins/2021-10-15?format=csv").status == 200)
    }
}
