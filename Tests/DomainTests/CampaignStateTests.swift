import Foundation
import Storage
import Testing
@testable import Domain

@Suite struct CampaignStateTests {
    @Test func migrationsLoadThePlan() throws {
        let state = try StateBuilder().state
        #expect(state.reportingUnits.count == 13)
        #expect(state.paths.count == 7)
        let season = try #require(state.season("2021"))
        #expect(season.targets.compactMap(\.households).reduce(0, +) == 46108)
        #expect(season.reportingUnits.count == 13)
        #expect(state.appliedMigrations.map(\.id) == ["0001_units.json", "0002_paths.json", "0003_season_2021.json", "0004_plan_duties.json"])
        // 0004 completes duties the plan gives (section 四, 六, 五(三)3) and changes no number.
        let township = try #require(state.unit("xiatuanpu"))
        #expect(township.duties.contains("责成专人将各涉改村（社区）每日工作进展情况于下午6:00前报告领导小组办公室"))
        #expect(state.unit("grid")?.duties.last == "组织对电网改造工程进行验收")
        #expect(season.targets.first?.places.count == 3 && season.targets.first?.villageCount == 10)
    }

    @Test func omittedVillagesCarryForwardAndBackdatedCorrectionsCascade() throws {
        var b = try StateBuilder()
        try b.village("a", unit: "xiatuanpu", targets: ["biomass": 100])
        try b.village("b", unit: "xiatuanpu", targets: ["biomass": 100])
        try b.report("xiatuanpu", "2021-10-14", [("a", "biomass", [10, 10, 10, 0, 0]), ("b", "biomass", [20, 20, 20, 0, 0])])
        try b.report("xiatuanpu", "2021-10-16", [("a", "biomass", [30, 30, 30, 0, 0])])
        let timeline = try #require(b.state.timelines["xiatuanpu"])
        let day16 = try #require(timeline.effective(onOrBefore: day("2021-10-16")))
        #expect(day16.counts[ProgressKey(village: "b", path: "biomass")]?.installed == 20)
        #expect(timeline.effective(onOrBefore: day("2021-10-15"))?.date.description == "2021-10-14")
        #expect(timeline.effective(onOrBefore: day("2021-10-13")) == nil)
        // A correction of the 14th shows on the 16th for the village the 16th omitted.
        try b.report("xiatuanpu", "2021-10-14", [("b", "biomass", [25, 25, 25, 0, 0])])
        let corrected = try #require(b.state.timelines["xiatuanpu"]?.effective(onOrBefore: day("2021-10-16")))
        #expect(corrected.counts[ProgressKey(village: "b", path: "biomass")]?.installed == 25)
    }

    @Test func snapshotFilesRoundTripToTheSameState() throws {
        var b = try StateBuilder()
        try b.village("a", unit: "xiatuanpu", targets: ["biomass": 100])
        try b.report("xiatuanpu", "2021-10-14", [("a", "biomass", [10, 10, 10, 0, 0])], fuel: FuelDelivered(cleanCoalTons: 0, biomassTons: 3.5),
                     audited: true)
        // A review names the revision it was made on, and report-days.json keeps it.
        let review = Review(state: .questioned, note: "核实", by: "办公室", at: b.at, revision: 1)
        try b.state.apply(LoggedChange(.reviewSet(unit: "xiatuanpu", date: day("2021-10-14"), review: review), audit: nil))
        let files = try b.state.snapshotFiles()
        #expect(files.keys.sorted() == ["audit-0000000001-0000000001.json", "exemptions.json", "migrations.json", "reference.json",
                                        "reopenings.json", "report-days.json", "reports-0000000001-0000000001.json", "reports.json",
                                        "roster-history.json", "tasks.json", "tokens.json", "villages.json"])
        let text = String(decoding: try #require(files["reports-0000000001-0000000001.json"]).materialized(), as: UTF8.self)
        #expect(text.contains("\"submittedAt\" : \"2021-10-15T08:00:00.000Z\""))
        let restored = try CampaignState(snapshotFiles: files.mapValues { try $0.materialized() })
        #expect(restored.unitDays == b.state.unitDays)
        #expect(restored.unitDay("xiatuanpu", day("2021-10-14"))?.review.revision == 1)
        #expect(restored.timelines == b.state.timelines)
        #expect(restored.villages == b.state.villages)
        #expect(restored.rosterHistory == b.state.rosterHistory)
        #expect(restored.units == b.state.units)
        #expect(restored.appliedMigrations == b.state.appliedMigrations)
        #expect(restored.audit[day("2021-10-14")]?.entries == b.state.audit[day("2021-10-14")]?.entries)
        // The audit trail is read on another thread; its failure still fails the whole load.
        var damaged = try files.mapValues { try $0.materialized() }
        damaged["audit-0000000001-0000000001.json"] = Data(#"[{"at": "2021-10-15T08:00:00.000Z"}]"#.utf8)
        #expect(throws: DecodingError.self) { try CampaignState(snapshotFiles: damaged) }
    }

    /// A task's update logs the update alone: its records stay the same size however long its history grows.
    @Test func aTaskUpdateLogsOnlyTheUpdateAndReplaysToTheSameTask() throws {
        var state = try StateBuilder().state
        let start = Date(timeIntervalSince1970: 1_634_000_000)
        let task = DutyTask(id: "task_1", unit: "grid", title: "下团堡乡配套电网增容", due: day("2021-10-20"), status: .open,
                            note: nil, createdAt: start, doneOn: nil, updates: [])
        try state.apply(LoggedChange(.taskSaved(task), audit: nil))
        var replayed = state
        var sizes: [Int] = []
        for n in 1...20 {
            let update = DutyTask.Update(at: start.addingTimeInterval(Double(n)), by: "地电公司", status: n == 20 ? .done : .open,
                                         note: "第\(n + 10)次进展")
            let change = LoggedChange(.taskUpdated(id: "task_1", update: update, doneOn: n == 20 ? day("2021-10-18") : nil), audit: nil)
            let payload = try CampaignState.logPayload(of: change)
            sizes.append(payload.count)
            try state.apply(change)
            try replayed.apply(try CampaignState.change(fromLogPayload: payload))
        }
        let open = sizes.dropLast() // the last one also carries the day it was done
        #expect(open.max()! - open.min()! < 4, "\(sizes)")
        #expect(state.tasks == replayed.tasks)
        let done = try #require(state.tasks["task_1"])
        #expect(done.updates.count == 20 && done.status == .done && done.note == "第30次进展" && done.doneOn == day("2021-10-18"))
        let orphan = DutyTask.Update(at: start, by: "x", status: .open, note: nil)
        #expect(throws: DomainError.self) { try state.apply(LoggedChange(.taskUpdated(id: "task_none", update: orphan, doneOn: nil), audit: nil)) }
    }

    @Test func changesSurviveTheWALsJSONEncoding() throws {
        var b = try StateBuilder()
        try b.village("a", unit: "xiatuanpu", targets: ["biomass": 100])
        let revision = ReportRevision(revision: 1, submittedAt: Timestamp.floor(Date()), submittedBy: "t", villages: [], fuel: nil,
                                      issues: ["问题"], nextDayPlan: nil, reporter: nil, correction: nil, warnings: [])
        let change = LoggedChange(.reportSubmitted(unit: "xiatuanpu", date: day("2021-10-15"), status: .late, revision: revision),
                                  audit: nil)
        let decoded = try JSONDecoder().decode(LoggedChange.self, from: JSONEncoder().encode(change))
        #expect(decoded == change)
    }
}

@Suite struct PermissionTests {
    @Test func everyActionHasAnEntryAndOnlyAdminsManageTokens() {
        for action in Action.allCases { #expect(Permission.table[action] != nil, "\(action)") }
        #expect(Permission.allows(.admin, .manageTokens))
        for role in [Role.reporter, .office, .supervisor] { #expect(!Permission.allows(role, .manageTokens)) }
        // The supervisor reads everything and writes nothing.
        for action in [Action.submitReport, .writeVillage, .reviewReport, .createTask, .updateTask, .manageExemptions] {
            #expect(!Permission.allows(.supervisor, action))
        }
        #expect(Permission.allows(.supervisor, .readLagging))
        #expect(!Permission.allows(.reporter, .readLagging))
    }

    @Test func reportersActForTheirOwnUnitOnly() {
        let reporter = Principal(tokenID: "t", role: .reporter, unit: "zirun", label: "x")
        #expect(reporter.mayActFor(unit: "zirun"))
        #expect(!reporter.mayActFor(unit: "xiatuanpu"))
        #expect(Principal(tokenID: "t", role: .office, unit: nil, label: "x").mayActFor(unit: "xiatuanpu"))
    }

    @Test func secretsAreHashedAndComparedWholly() {
        let secret = TokenSecret.generate()
        #expect(secret.hasPrefix("ch_") && secret.count == 46)
        #expect(TokenSecret.generate() != secret)
        #expect(TokenSecret.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(TokenSecret.constantTimeEquals("abc", "abc"))
        #expect(!TokenSecret.constantTimeEquals("abc", "abd"))
        #expect(!TokenSecret.constantTimeEquals("abc", "abcd"))
    }
}

/// A migration is applied once and recorded for good: a misspelt key must stop it, not apply as nothing.
@Suite struct MigrationFileTests {
    func file(_ text: String) -> MigrationFile {
        MigrationFile(id: "0004_more_villages.json", contents: Data(text.utf8), checksum: "x")
    }

    @Test func unknownKeysAndMalformedFilesAreRefusedNamingTheFile() throws {
        #expect(throws: (any Error).self) { try CampaignState.migrationChange(file(#"{"vilages": []}"#), at: Date()) }
        do {
            _ = try CampaignState.migrationChange(file(#"{"vilages": []}"#), at: Date())
        } catch {
            #expect("\(error)".contains("0004_more_villages.json") && "\(error)".contains("vilages"), "\(error)")
        }
        do {
            _ = try CampaignState.migrationChange(file(#"{"x":"#), at: Date())
            Issue.record("a malformed migration was accepted")
        } catch {
            #expect("\(error)".contains("0004_more_villages.json"), "\(error)")
        }
        _ = try CampaignState.migrationChange(file(#"{"description": "nothing yet", "villages": []}"#), at: Date())
    }
}
