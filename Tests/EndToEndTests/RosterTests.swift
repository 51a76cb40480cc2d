import Foundation
import Testing
import TestSupport

/// The village roster (确村确户) through the running server.
@Suite struct RosterTests {
    static let csv = """
        unit,village_id,village_name,area,path,households
        xiatuanpu,xtp-nancun,南村,rural,household_electric,200
        xiatuanpu,xtp-nancun,南村,rural,biomass,20
        xiatuanpu,xtp-beicun,北村,rural,solar_plus,150
        """

    @Test func createReplaceListAndConflicts() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        let again = try await f.office.post("/api/v1/villages", json: ["id": "xtp-dongcun", "name": "东村", "unit": "xiatuanpu", "area": "rural", "targets": ["biomass": 1]])
        #expect(again.status == 409 && again.errorFields == ["id"])
        // `import` is the import's address, so no village can take it as an id: a PUT there is no village's
        // (405, naming what the address takes), and a POST naming it is refused on `id`.
        let reserved = try await f.office.put("/api/v1/villages/import", json: ["name": "导入村", "unit": "xiatuanpu", "area": "rural", "targets": ["biomass": 1]])
        #expect(reserved.status == 405 && reserved.header("Allow") == "POST, OPTIONS", "\(reserved.text)")
        let posted = try await f.office.post("/api/v1/villages", json: ["id": "import", "name": "导入村", "unit": "xiatuanpu", "area": "rural", "targets": ["biomass": 1]])
        #expect(posted.status == 422 && posted.errorFields == ["id"])
        // A reporter's village belongs to its own unit when the body leaves unit out, as its reports do.
        let own = try await f.xiatuanpu.post("/api/v1/villages", json: ["id": "xtp-own", "name": "本村", "area": "rural", "targets": ["biomass": 5]])
        #expect(own.status == 201 && own.json["unit"] as? String == "xiatuanpu")
        #expect(try await f.office.post("/api/v1/villages", json: ["id": "o-1", "name": "某村", "area": "rural", "targets": ["biomass": 5]]).errorFields == ["unit"])
        let replaced = try await f.xiatuanpu.put("/api/v1/villages/xtp-dongcun", json: ["name": "东村", "unit": "xiatuanpu", "area": "rural", "targets": ["household_electric": 330, "biomass": 40]])
        #expect(replaced.status == 200)
        #expect((replaced.json["targets"] as? [String: Any])?["household_electric"] as? Int == 330)
        let mine = try await f.xiatuanpu.get("/api/v1/villages")
        #expect((mine.json["villages"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["xtp-dongcun", "xtp-own", "xtp-xicun"])
        // A department's reporter updates tasks; a daily report from it is a matter of scope (403), not an unknown unit.
        // An office exists but reports nothing: the refusal says so instead of calling it unknown.
        let officeReporter = try await f.admin.post("/api/v1/tokens", json: ["role": "reporter", "unit": "leading-group-office", "label": "办公室"])
        #expect(officeReporter.status == 422 && officeReporter.errorFields == ["unit"] && !officeReporter.text.contains("不存在"))
        let gridToken = try await f.admin.post("/api/v1/tokens", json: ["role": "reporter", "unit": "grid", "label": "地电公司"])
        let grid = f.admin.with(token: try #require(gridToken.json["token"] as? String))
        #expect(try await grid.post("/api/v1/reports", json: CampaignFixture.report(date: nil, [1, 0, 0, 0, 0])).status == 403)
        // Another unit's list is refused, not answered with the reporter's own.
        #expect(try await f.xiatuanpu.get("/api/v1/villages?unit=zirun").status == 403)
        #expect(try await f.xiatuanpu.get("/api/v1/villages?unit=xiatuanpu").status == 200)
        let zirun = try await f.office.get("/api/v1/villages?unit=zirun")
        #expect((zirun.json["villages"] as? [Any])?.count == 1)
        let bad = try await f.office.post("/api/v1/villages", json: ["id": "Bad Id", "name": "", "unit": "nowhere", "area": "city", "targets": ["rocket": 5]])
        #expect(bad.status == 422)
        #expect(Set(bad.errorFields).isSuperset(of: ["id", "name", "unit", "area", "targets.rocket"]))
    }

    @Test func csvImportInUTF8WithBOMAndInGB18030() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let utf8 = Data([0xEF, 0xBB, 0xBF]) + Data(Self.csv.utf8)
        let reply = try await f.office.send("POST", "/api/v1/villages/import", body: utf8, headers: ["Content-Type": "text/csv"])
        #expect(reply.status == 200)
        #expect(reply.json["rows"] as? Int == 3)
        #expect(reply.json["villages"] as? Int == 2)
        #expect(reply.json["created"] as? Int == 2)
        let list = try await f.office.get("/api/v1/villages?unit=xiatuanpu")
        let nancun = (list.json["villages"] as? [[String: Any]])?.first { $0["id"] as? String == "xtp-nancun" }
        #expect(nancun?["name"] as? String == "南村")
        #expect((nancun?["targets"] as? [String: Any])?["biomass"] as? Int == 20)

        let gbFile = try RepositoryPaths.makeTemporaryFolder().appendingPathComponent("roster.csv")
        let converted = try Shell.run("printf '%s' '\(Self.csv.replacingOccurrences(of: "南村", with: "南庄"))' | iconv -f UTF-8 -t GB18030 > \(gbFile.path)")
        #expect(converted.status == 0)
        let gb = try Data(contentsOf: gbFile)
        #expect(String(data: gb, encoding: .utf8) == nil)
        let second = try await f.office.send("POST", "/api/v1/villages/import", body: gb, headers: ["Content-Type": "text/csv"])
        #expect(second.status == 200)
        // 南村 was renamed; 北村 is as registered, and is not written again.
        #expect(second.json["updated"] as? Int == 1 && second.json["unchanged"] as? Int == 1, "\(second.text)")
        let auditBefore = try await f.office.get("/api/v1/audit").json["entries"] as? [Any]
        let third = try await f.office.send("POST", "/api/v1/villages/import", body: gb, headers: ["Content-Type": "text/csv"])
        #expect(third.status == 200 && third.json["created"] as? Int == 0 && third.json["updated"] as? Int == 0
                && third.json["unchanged"] as? Int == 2, "\(third.text)")
        let auditAfter = try await f.office.get("/api/v1/audit").json["entries"] as? [Any]
        #expect(auditBefore?.count == auditAfter?.count && auditAfter?.isEmpty == false)
        let renamed = try await f.office.get("/api/v1/villages?unit=xiatuanpu")
        #expect((renamed.json["villages"] as? [[String: Any]])?.contains { $0["name"] as? String == "南庄" } == true)
    }

    /// A path with reported households cannot be dropped by an import (or a PUT): the counts would lose their target.
    @Test func anImportCannotDropAPathThatHasReports() async throws {
        let f = try await CampaignFixture.start() // 东村: household_electric 320, biomass 40
        defer { f.stop() }
        let both: [String: Any] = ["date": "2021-10-15", "villages": [
            ["village": "xtp-dongcun", "path": "biomass", "confirmed": 5, "signed": 5, "installed": 5, "accepted": 0, "operating": 0]]]
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: both).status == 201)
        let csv = "unit,village_id,village_name,area,path,households\nxiatuanpu,xtp-dongcun,东村,rural,household_electric,320\n"
        let reply = try await f.office.send("POST", "/api/v1/villages/import", body: Data(csv.utf8), headers: ["Content-Type": "text/csv"])
        // Named by the CSV's column: the path is what the file left out.
        #expect(reply.status == 422 && reply.errorFields == ["line 2.path"], "\(reply.text)")
        let villages = try await f.office.get("/api/v1/villages").json["villages"] as? [[String: Any]] ?? []
        let kept = villages.first { $0["id"] as? String == "xtp-dongcun" }
        #expect((kept?["targets"] as? [String: Int])?["biomass"] == 40, "\(villages)")
        // Nor can a PUT that moves the village to another unit (its reports stay filed under the first).
        let moved: [String: Any] = ["name": "东村", "unit": "zirun", "area": "rural", "targets": ["household_electric": 320]]
        let put = try await f.office.send("PUT", "/api/v1/villages/xtp-dongcun", json: moved)
        #expect(put.status == 422 && put.errorFields.contains("targets.biomass"), "\(put.text)")
        // Nor move at all once reported, whatever the targets: its counts would stay in xiatuanpu's figures and be
        // counted again under zirun. An unreported village may move.
        let movedWhole: [String: Any] = ["name": "东村", "unit": "zirun", "area": "rural", "targets": ["household_electric": 320, "biomass": 40]]
        let refusedMove = try await f.office.send("PUT", "/api/v1/villages/xtp-dongcun", json: movedWhole)
        #expect(refusedMove.status == 422 && refusedMove.errorFields == ["unit"], "\(refusedMove.text)")
        // A path without reports may go.
        let csvWithoutClean = "unit,village_id,village_name,area,path,households\nxiatuanpu,xtp-xicun,西村,rural,biomass,100\n"
        #expect(try await f.office.send("POST", "/api/v1/villages/import", body: Data(csvWithoutClean.utf8), headers: ["Content-Type": "text/csv"]).status == 200)
        let unreported: [String: Any] = ["name": "西村", "unit": "zirun", "area": "rural", "targets": ["biomass": 100]]
        #expect(try await f.office.send("PUT", "/api/v1/villages/xtp-xicun", json: unreported).status == 200)
    }

    @Test func anyBadRowRejectsTheWholeFileNamingEachLine() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let csv = """
            unit,village_id,village_name,area,path,households
            xiatuanpu,xtp-a,甲村,rural,biomass,10
            xiatuanpu,xtp-b,乙村,rural,rocket,10
            nowhere,xtp-c,丙村,rural,biomass,ten
            xiatuanpu,xtp-d,丁村,rural,biomass
            """
        let reply = try await f.office.send("POST", "/api/v1/villages/import", body: Data(csv.utf8), headers: ["Content-Type": "text/csv"])
        #expect(reply.status == 422)
        // Every bad line at once, a short line beside the rest, each under its CSV column.
        #expect(reply.errorFields == ["line 3.path", "line 4.households", "line 4.unit", "line 5"], "\(reply.text)")
        let second = try await f.office.send("POST", "/api/v1/villages/import", body: Data(csv.split(separator: "\n").dropLast().joined(separator: "\n").utf8),
                                             headers: ["Content-Type": "text/csv"])
        #expect(second.status == 422)
        #expect(second.errorFields.contains { $0.hasPrefix("line 3") })
        #expect(second.errorFields.contains { $0.hasPrefix("line 4") })
        #expect(!second.errorFields.contains { $0.hasPrefix("line 2") })
        // Read down the file, and a line with two mistakes (unknown unit, households "ten") names both.
        let lines = second.errorFields.compactMap { Int($0.dropFirst(5).prefix { $0.isNumber }) }
        #expect(lines == lines.sorted())
        #expect(second.errorFields.contains("line 4.households") && second.errorFields.contains("line 4.unit"))
        let list = try await f.office.get("/api/v1/villages")
        #expect((list.json["villages"] as? [Any])?.isEmpty == true)
        // A township loads its own roster from Excel too; a row of another unit is out of its scope (403, as for
        // POST /villages), named, and keeps the file out.
        let own = "unit,village_id,village_name,area,path,households\nxiatuanpu,xtp-own,本村,rural,biomass,10\n"
        #expect(try await f.xiatuanpu.send("POST", "/api/v1/villages/import", body: Data(own.utf8), headers: ["Content-Type": "text/csv"]).status == 200)
        let foreign = own + "zirun,zr-x,外村,rural,biomass,10\n"
        let refused = try await f.xiatuanpu.send("POST", "/api/v1/villages/import", body: Data(foreign.utf8), headers: ["Content-Type": "text/csv"])
        #expect(refused.status == 403 && refused.errorCode == "forbidden" && refused.errorFields == ["line 3.unit"], "\(refused.text)")
        #expect(try await f.office.get("/api/v1/villages?unit=zirun").text.contains("zr-x") == false)
        // A bad number for a village with reports is named once: the 0 in its place makes up no "below the
        // confirmed count" error.
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [5, 0, 0, 0, 0],
                                                                                           village: "xtp-own", path: "biomass")).status == 201)
        let badNumber = "unit,village_id,village_name,area,path,households\nxiatuanpu,xtp-own,本村,rural,biomass,十\n"
        let named = try await f.xiatuanpu.send("POST", "/api/v1/villages/import", body: Data(badNumber.utf8), headers: ["Content-Type": "text/csv"])
        #expect(named.status == 422 && named.errorFields == ["line 2.households"], "\(named.text)")
        let wrongType = try await f.office.send("POST", "/api/v1/villages/import", body: Data(csv.utf8), headers: ["Content-Type": "application/json"])
        #expect(wrongType.status == 415)
    }

    /// A village over two lines (two paths): a path's mistake names that path's own line. An empty unit cell is
    /// the reporter's own unit (as POST /villages takes it); from the office it is named as missing.
    @Test func eachMistakeIsNamedOnItsOwnLineAndColumn() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let header = "unit,village_id,village_name,area,path,households\n"
        let twoPaths = header + "xiatuanpu,xtp-a,甲村,rural,biomass,10\nxiatuanpu,xtp-a,甲村,rural,gas,200000\n"
        let reply = try await f.office.send("POST", "/api/v1/villages/import", body: Data(twoPaths.utf8), headers: ["Content-Type": "text/csv"])
        #expect(reply.status == 422 && reply.errorFields == ["line 3.households"], "\(reply.text)")
        // A path repeated: its value is the last line's, and so is the line a mistake in it names.
        let repeated = header + "xiatuanpu,xtp-a,甲村,rural,gas,10\nxiatuanpu,xtp-a,甲村,rural,gas,999999\n"
        let again = try await f.office.send("POST", "/api/v1/villages/import", body: Data(repeated.utf8), headers: ["Content-Type": "text/csv"])
        #expect(again.status == 422 && again.errorFields == ["line 3.path", "line 3.households"], "\(again.text)")
        let badID = header + "xiatuanpu,XTP A,甲村,rural,biomass,10\n"
        let named = try await f.office.send("POST", "/api/v1/villages/import", body: Data(badID.utf8), headers: ["Content-Type": "text/csv"])
        #expect(named.status == 422 && named.errorFields == ["line 2.village_id"], "\(named.text)")
        let noUnit = header + ",xtp-b,乙村,rural,biomass,10\n"
        let office = try await f.office.send("POST", "/api/v1/villages/import", body: Data(noUnit.utf8), headers: ["Content-Type": "text/csv"])
        #expect(office.status == 422 && office.errorFields == ["line 2.unit"] && office.text.contains("请填写单位编号"), "\(office.text)")
        let own = try await f.xiatuanpu.send("POST", "/api/v1/villages/import", body: Data(noUnit.utf8), headers: ["Content-Type": "text/csv"])
        #expect(own.status == 200, "\(own.text)")
        let listed = try await f.office.get("/api/v1/villages?unit=xiatuanpu").json["villages"] as? [[String: Any]] ?? []
        #expect(listed.map { $0["id"] as? String } == ["xtp-b"])
    }

    /// An import moves a village between units exactly when a PUT would: the office, and only while no report names it.
    @Test func anImportMovesAVillageAsAPutDoes() async throws {
        let f = try await CampaignFixture.start() // xtp-dongcun and xtp-xicun in xiatuanpu
        defer { f.stop() }
        let header = "unit,village_id,village_name,area,path,households\n"
        func load(_ client: APIClient, _ csv: String) async throws -> APIClient.Reply {
            try await client.send("POST", "/api/v1/villages/import", body: Data((header + csv).utf8), headers: ["Content-Type": "text/csv"])
        }
        // A reporter may not take another unit's village under its own.
        let taken = try await load(f.zirun, "zirun,xtp-xicun,西村,rural,biomass,100\n")
        #expect(taken.status == 403 && taken.errorFields == ["line 2.village_id"], "\(taken.text)") // as a PUT: 403
        #expect(try await f.office.send("PUT", "/api/v1/villages/xtp-xicun", json: ["name": "西村", "unit": "zirun", "area": "rural", "targets": ["biomass": 100]]).status == 200)
        #expect(try await load(f.office, "xiatuanpu,xtp-xicun,西村,rural,biomass,100\n").status == 200) // and back
        #expect(try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(date: "2021-10-15", [5, 0, 0, 0, 0],
                                                                                           village: "xtp-xicun", path: "biomass")).status == 201)
        let reported = try await load(f.office, "zirun,xtp-xicun,西村,rural,biomass,100\n")
        #expect(reported.status == 422 && reported.errorFields == ["line 2.unit"], "\(reported.text)")
    }

    /// Every mistake of an import is named by its column: an unknown path on a line whose number is unreadable too,
    /// and each column in which a village's lines disagree.
    @Test func importMistakesNameTheirColumns() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        let csv = """
            unit,village_id,village_name,area,path,households
            xiatuanpu,XF,坏村,rural,coal,abc
            xiatuanpu,xtp-nancun,南村,rural,biomass,10
            xiatuanpu,xtp-nancun,南村,urban,gas,10
            """
        let reply = try await f.office.send("POST", "/api/v1/villages/import", body: Data(csv.utf8), headers: ["Content-Type": "text/csv"])
        #expect(reply.status == 422, "\(reply.text)")
        #expect(reply.errorFields == ["line 2.households", "line 2.village_id", "line 2.path", "line 4.area"], "\(reply.text)")
        #expect(reply.text.contains("coal") && reply.text.contains("rural") && reply.text.contains("urban"), "\(reply.text)")
    }

    /// One village by its id, as a township checks what it registered; another unit's is not the reporter's to read.
    @Test func oneVillageByItsID() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        let own = try await f.xiatuanpu.get("/api/v1/villages/xtp-dongcun")
        #expect(own.status == 200 && own.json["unit"] as? String == "xiatuanpu", "\(own.text)")
        #expect((own.json["targets"] as? [String: Int])?["household_electric"] == 320)
        #expect(try await f.zirun.get("/api/v1/villages/xtp-dongcun").status == 403)
        #expect(try await f.supervisor.get("/api/v1/villages/xtp-dongcun").status == 200)
        let missing = try await f.office.get("/api/v1/villages/xtp-nowhere")
        #expect(missing.status == 404 && missing.text.contains("xtp-nowhere"), "\(missing.text)")
        // What cannot be an id is not echoed (a right-to-left override would turn the message around).
        let odd = try await f.office.get("/api/v1/villages/%E2%80%AEabc")
        #expect(odd.status == 404 && !odd.text.contains("\u{202E}") && !odd.text.contains("abc"), "\(odd.text)")
    }

    /// A sheet typed in Excel names units and paths as the plan does: taken as their ids; a name that is neither
    /// is answered with where the ids are.
    @Test func importTakesThePlansNamesForUnitsAndPaths() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let csv = """
            unit,village_id,village_name,area,path,households
            滋润乡,zr-dongzhuang,东庄,rural,煤改气,50
            下团堡乡,xtp-x,西庄,rural,分户式“煤改电”,10
            下团堡乡,xtp-x,西庄,rural,太阳能+,5
            """
        let reply = try await f.office.send("POST", "/api/v1/villages/import", body: Data(csv.utf8), headers: ["Content-Type": "text/csv"])
        #expect(reply.status == 200 && reply.json["created"] as? Int == 2, "\(reply.text)")
        let dongzhuang = try await f.office.get("/api/v1/villages/zr-dongzhuang").json
        #expect(dongzhuang["unit"] as? String == "zirun" && (dongzhuang["targets"] as? [String: Int]) == ["gas": 50], "\(dongzhuang)")
        let xizhuang = try await f.office.get("/api/v1/villages/xtp-x").json
        #expect((xizhuang["targets"] as? [String: Int]) == ["household_electric": 10, "solar_plus": 5], "\(xizhuang)")
        let wrong = "unit,village_id,village_name,area,path,households\n滋润,zr-a,甲,rural,煤改水,5\n"
        let refused = try await f.office.send("POST", "/api/v1/villages/import", body: Data(wrong.utf8), headers: ["Content-Type": "text/csv"])
        #expect(refused.status == 422 && refused.text.contains("/api/v1/units") && refused.text.contains("/api/v1/paths"), "\(refused.text)")
    }

    /// Wherever a unit's id is asked, its name as the plan writes it stands for it: a village's unit, a report's,
    /// a reporter token's; and a reporter may name its own unit so.
    @Test func theFormsTakeTheUnitsNameForItsID() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let village = try await f.office.post("/api/v1/villages", json: ["id": "zr-beicun", "name": "北村", "unit": "滋润乡", "area": "rural", "targets": ["biomass": 60]])
        #expect(village.status == 201 && village.json["unit"] as? String == "zirun", "\(village.text)")
        var own = CampaignFixture.report(date: "2021-10-15", [60, 50, 40, 30, 20], village: "zr-beicun", path: "biomass")
        own["unit"] = "滋润乡"
        let byReporter = try await f.zirun.post("/api/v1/reports", json: own)
        #expect(byReporter.status == 201 && byReporter.json["unit"] as? String == "zirun", "\(byReporter.text)")
        own["unit"] = "下团堡乡"
        #expect(try await f.zirun.post("/api/v1/reports", json: own).status == 403)
        // In a path too: the day is found under the name, by the office and by the unit itself; no unit is 404.
        let path = "/api/v1/reports/\("滋润乡".addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)/2021-10-15"
        #expect(try await f.office.get(path).json["unit"] as? String == "zirun")
        #expect(try await f.zirun.get(path).status == 200)
        let nowhere = try await f.office.get("/api/v1/reports/nowhere/2021-10-15")
        #expect(nowhere.status == 404 && nowhere.text.contains("没有报送单位"), "\(nowhere.text)")
        let token = try await f.admin.post("/api/v1/tokens", json: ["role": "reporter", "unit": "滋润乡", "label": "滋润乡 副统计员"])
        #expect(token.status == 201 && token.json["unit"] as? String == "zirun", "\(token.text)")
    }
}
