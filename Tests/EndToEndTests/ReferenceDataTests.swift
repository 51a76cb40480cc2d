import Foundation
import Testing
import TestSupport

/// The plan as the migrations load it (API.md, Reference data).
@Suite struct ReferenceDataTests {
    @Test func thirteenReportingUnitsWithTheContractsIDs() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let reply = try await f.supervisor.get("/api/v1/units?kind=township")
        let units = reply.json["units"] as? [[String: Any]] ?? []
        let pairs = units.map { "\($0["id"] ?? "")=\($0["name"] ?? "")" }
        #expect(pairs == ["beiwangzhuang=北旺庄街道", "nancheng=南城街道", "beicheng=北城街道", "shentou-street=神头街道",
                          "shentou-town=神头镇", "xiaopingyi=小平易乡", "xiatuanpu=下团堡乡", "yaozitou=窑子头乡",
                          "nanyulin=南榆林乡", "limin=利民镇", "zirun=滋润乡", "zhangcaizhuang=张蔡庄乡", "shalenghe=沙楞河乡"])
        let all = try await f.supervisor.get("/api/v1/units")
        let departments = (all.json["units"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "department" }
        #expect(departments.count == 12)
        let energy = departments.first { $0["name"] as? String == "区能源局" }
        #expect((energy?["duties"] as? [String])?.count == 6) // the five numbered ones and its lead role (0004)
        #expect(try await f.supervisor.get("/api/v1/units?kind=planet").status == 400)
    }

    @Test func sevenPathsWithThePlansSubsidies() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let paths = try await f.xiatuanpu.get("/api/v1/paths").json["paths"] as? [[String: Any]] ?? []
        #expect(paths.compactMap { $0["id"] as? String } == ["chp", "distributed_electric", "household_electric", "solar_plus", "gas", "biomass", "clean_coal"])
        func subsidy(_ id: String) -> [String: Any] { paths.first { $0["id"] as? String == id }?["subsidy"] as? [String: Any] ?? [:] }
        #expect(subsidy("solar_plus")["centralPerHousehold"] as? Int == 8100)
        #expect(subsidy("solar_plus")["cityPerHousehold"] as? Int == 200)
        #expect((subsidy("solar_plus")["components"] as? [[String: Any]])?.compactMap { $0["amount"] as? Int } == [4300, 3600, 200])
        #expect(subsidy("distributed_electric")["centralPerHousehold"] as? Int == 4500)
        #expect(subsidy("biomass")["centralPerHousehold"] as? Int == 700)
        #expect(subsidy("chp")["centralPerHousehold"] as? Int == 700)
        for deferred in ["household_electric", "gas", "clean_coal"] {
            #expect(subsidy(deferred)["centralPerHousehold"] is NSNull)
            #expect((subsidy(deferred)["note"] as? String)?.isEmpty == false)
        }
        #expect(subsidy("clean_coal")["capTonsPerHouseholdPerYear"] as? Int == 3)
    }

    @Test func planTargetsMatchTheDocumentAndTheRosterGap() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        let plan = try await f.office.get("/api/v1/plan?season=2021").json
        #expect(plan["season"] as? String == "2021")
        #expect(plan["start"] as? String == "2021-07-26")
        #expect(plan["deadline"] as? String == "2021-10-31")
        #expect(plan["reportingEnd"] as? String == "2022-04-15")
        #expect(plan["plannedHouseholds"] as? Int == 46108)
        let targets = plan["targets"] as? [[String: Any]] ?? []
        func households(_ path: String, _ area: String) -> Int? {
            targets.first { $0["path"] as? String == path && $0["area"] as? String == area }?["households"] as? Int
        }
        #expect(households("chp", "urban") == 5518)
        #expect(households("chp", "rural") == 8051)
        #expect(households("distributed_electric", "rural") == 5489)
        #expect(households("household_electric", "rural") == 1863)
        #expect(households("solar_plus", "rural") == 8436)
        #expect(households("gas", "rural") == 10882)
        #expect(households("biomass", "rural") == 5869)
        let he = targets.first { $0["path"] as? String == "household_electric" }
        #expect((he?["roster"] as? [String: Any])?["households"] as? Int == 320)
        #expect((he?["gap"] as? [String: Any])?["households"] as? Int == 1863 - 320)
        // Clean coal: the plan sets no number, which is said as null, not by leaving the key out.
        let coal = try #require(targets.first { $0["path"] as? String == "clean_coal" })
        #expect(coal["households"] is NSNull && coal["villageCount"] is NSNull && coal["gap"] is NSNull)
        #expect(try await f.office.get("/api/v1/plan?season=1999").status == 404)
    }

    /// The plan and the bulletin are rendered once per state version and the roster sums are kept as villages
    /// change: a new village, then its replacement, must show at once in both.
    @Test func rosterChangesShowAtOnceInThePlanAndTheBulletin() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        func rosterHouseholds(_ path: String) async throws -> Int? {
            let targets = try await f.office.get("/api/v1/plan?season=2021").json["targets"] as? [[String: Any]] ?? []
            let line = targets.first { $0["path"] as? String == path && $0["area"] as? String == "rural" }
            return (line?["roster"] as? [String: Any])?["households"] as? Int
        }
        func bulletinTarget() async throws -> Int? {
            let units = try await f.office.get("/api/v1/bulletins/2021-10-15").json["byUnit"] as? [[String: Any]] ?? []
            return units.first { $0["unit"] as? String == "zirun" }?["rosterTarget"] as? Int
        }
        #expect(try await rosterHouseholds("biomass") == 0)
        #expect(try await bulletinTarget() == 0)
        let village: [String: Any] = ["id": "zr-xicun", "name": "西村", "unit": "zirun", "area": "rural", "targets": ["biomass": 10]]
        #expect(try await f.office.post("/api/v1/villages", json: village).status == 201)
        #expect(try await rosterHouseholds("biomass") == 10)
        #expect(try await bulletinTarget() == 10)
        var replaced = village
        replaced["targets"] = ["biomass": 25]
        #expect(try await f.office.put("/api/v1/villages/zr-xicun", json: replaced).status == 200)
        #expect(try await rosterHouseholds("biomass") == 25)
        #expect(try await bulletinTarget() == 25)
        // The plan's totals beside its 46108 count the same paths: a clean-coal village (no retrofit) is in neither.
        let coal: [String: Any] = ["id": "zr-meicun", "name": "煤村", "unit": "zirun", "area": "rural", "targets": ["clean_coal": 50]]
        #expect(try await f.office.post("/api/v1/villages", json: coal).status == 201)
        let plan = try await f.office.get("/api/v1/plan?season=2021").json
        #expect(plan["plannedHouseholds"] as? Int == 46108)
        #expect(plan["rosterHouseholds"] as? Int == 25 && plan["rosterVillages"] as? Int == 1)
    }
}
