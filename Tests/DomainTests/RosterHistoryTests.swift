import Foundation
import Testing
@testable import Domain

/// The roster by day (docs/bulletin.md, rosterTarget), built as recovery builds it and read back from a snapshot.
@Suite struct RosterHistoryUnitTests {
    static func village(_ id: String, _ targets: [String: Int], unit: String = "xiatuanpu") -> Village {
        Village(id: id, name: id, unit: unit, area: "rural", targets: targets)
    }

    static func audit(on date: String) -> AuditEntry {
        AuditEntry(at: Date(timeIntervalSince1970: 1_634_371_200), date: day(date), tokenID: "tok_1", tokenLabel: "办公室",
                   role: .office, action: "village.save", target: "v", summary: "")
    }

    /// Saves villages as the office does on `date` (its audit entry dates the change).
    static func save(_ villages: [Village], on date: String, into b: inout StateBuilder) throws {
        try b.state.apply(LoggedChange(.villagesSaved(villages), audit: audit(on: date)))
    }

    /// The roster at the end of `date` itself: rules whose days settle the day they are (no late window).
    static func targets(_ state: CampaignState, _ date: String, _ unit: String = "xiatuanpu", lateWindowDays: Int = 0) -> [String: Int] {
        var rules = CampaignRules()
        rules.lateWindowDays = lateWindowDays
        return state.rosterTargets(for: day(date), rules: rules).byUnitAndPath[unit]?.filter { $0.value != 0 } ?? [:]
    }

    /// The snapshot's files read back give the same history, and the roster kept up to date save by save is the one
    /// added up afresh from the versions (today's bulletin reads the first).
    static func roundTrip(_ state: CampaignState) throws -> CampaignState {
        let restored = try CampaignState(snapshotFiles: try state.snapshotFiles().mapValues { try $0.materialized() })
        #expect(restored.rosterHistory == state.rosterHistory)
        #expect(restored.rosterHistory.current == state.rosterHistory.current)
        return restored
    }

    @Test func eachDayKeepsTheRosterItEndedWith() throws {
        var b = try StateBuilder(migrations: true)
        try Self.save([Self.village("a", ["biomass": 100])], on: "2021-10-14", into: &b)
        try Self.save([Self.village("a", ["biomass": 120])], on: "2021-10-16", into: &b)
        try Self.save([Self.village("b", ["gas": 7])], on: "2021-10-16", into: &b)
        for state in [b.state, try Self.roundTrip(b.state)] {
            #expect(Self.targets(state, "2021-10-13").isEmpty)
            #expect(Self.targets(state, "2021-10-14") == ["biomass": 100])
            #expect(Self.targets(state, "2021-10-15") == ["biomass": 100])
            #expect(Self.targets(state, "2021-10-16") == ["biomass": 120, "gas": 7])
        }
    }

    /// A village moved to another unit and one that lost a path go into a snapshot that reads back (their sums
    /// once left zero entries that no longer matched villages.json, and the folder was refused at start).
    @Test func movedVillagesAndDroppedPathsSurviveACheckpoint() throws {
        var b = try StateBuilder()
        try Self.save([Self.village("a", ["gas": 200, "biomass": 5]), Self.village("c", ["biomass": 9])], on: "2021-10-14", into: &b)
        try Self.save([Self.village("a", ["gas": 200], unit: "zirun"), Self.village("c", ["gas": 3])], on: "2021-10-15", into: &b)
        let restored = try Self.roundTrip(b.state)
        #expect(Self.targets(restored, "2021-10-14") == ["gas": 200, "biomass": 14])
        #expect(Self.targets(restored, "2021-10-15") == ["gas": 3])
        #expect(Self.targets(restored, "2021-10-15", "zirun") == ["gas": 200])
    }

    /// A migration's village is the plan's own: it counts from the start, even over an office's earlier saves.
    @Test func aMigrationsVillageCountsFromTheStart() throws {
        var b = try StateBuilder()
        try Self.save([Self.village("a", ["household_electric": 100])], on: "2021-10-16", into: &b)
        var body = MigrationBody()
        body.villages = [Self.village("a", ["biomass": 120])]
        try b.state.apply(LoggedChange(.migrationApplied(id: "9999_test.json", checksum: "x", at: Date(), body: body), audit: nil))
        #expect(Self.targets(b.state, "2021-10-13") == ["biomass": 120])
        #expect(Self.targets(try Self.roundTrip(b.state), "2021-10-20") == ["biomass": 120])
    }

    /// The test clock set back: the latest save holds from its day on, and nothing goes negative.
    @Test func aSaveDatedBeforeTheLastOneHoldsFromItsDay() throws {
        var b = try StateBuilder()
        try Self.save([Self.village("a", ["biomass": 100])], on: "2021-10-16", into: &b)
        try Self.save([Self.village("a", ["household_electric": 120])], on: "2021-10-14", into: &b)
        #expect(Self.targets(b.state, "2021-10-13").isEmpty)
        #expect(Self.targets(b.state, "2021-10-15") == ["household_electric": 120])
        #expect(Self.targets(b.state, "2021-10-17") == ["household_electric": 120])
        #expect(try Self.roundTrip(b.state).rosterHistory.current.byPath == ["household_electric": 120])
    }

    /// A report for a day before its village was registered brings the village into that day's roster as first
    /// registered (reports for such a day are checked against that), under the unit that reported it: under each
    /// unit that did (it was moved between two reports), the same after a snapshot round trip whatever order the
    /// units are met in.
    @Test func aLateReportBringsItsVillageInUnderTheReportingUnit() throws {
        var b = try StateBuilder()
        try Self.save([Self.village("a", ["biomass": 100])], on: "2021-10-16", into: &b)
        try b.report("xiatuanpu", "2021-10-15", [("a", "biomass", [50, 40, 30, 0, 0])])
        try Self.save([Self.village("a", ["biomass": 100], unit: "zirun")], on: "2021-10-16", into: &b)
        try Self.save([Self.village("a", ["biomass": 130], unit: "zirun")], on: "2021-10-17", into: &b)
        try b.report("zirun", "2021-10-15", [("a", "biomass", [50, 40, 30, 0, 0])])
        for state in [b.state, try Self.roundTrip(b.state)] {
            #expect(Self.targets(state, "2021-10-15", "zirun") == ["biomass": 100])
            #expect(Self.targets(state, "2021-10-15") == ["biomass": 100])
            #expect(Self.targets(state, "2021-10-14", "zirun").isEmpty) // nothing reported for it yet
            #expect(Self.targets(state, "2021-10-17", "zirun") == ["biomass": 130])
            #expect(Self.targets(state, "2021-10-17").isEmpty)
        }
    }

    @Test func aSnapshotWithoutHistoryCountsItsRosterFromTheStartAndAStrayOneIsRefused() throws {
        var b = try StateBuilder()
        try Self.save([Self.village("a", ["biomass": 100])], on: "2021-10-16", into: &b)
        var files = try b.state.snapshotFiles().mapValues { try $0.materialized() }
        #expect(Self.targets(try CampaignState(snapshotFiles: files), "2021-10-15").isEmpty)
        files["roster-history.json"] = nil // written before the roster kept its history
        #expect(Self.targets(try CampaignState(snapshotFiles: files), "2021-10-15") == ["biomass": 100])
        files["roster-history.json"] = Data(#"{"since": {"nowhere": "2021-10-16"}, "earlier": []}"#.utf8)
        #expect(throws: DomainError.self) { try CampaignState(snapshotFiles: files) }
    }

    /// A day is judged by the roster as it stood when its late window closed: a target raised, a path added or a
    /// village moved while late reports for the day may still come counts for it (the late reports were checked
    /// against it); a change after the window does not.
    @Test func aDaySettlesWhenItsLateWindowCloses() throws {
        var b = try StateBuilder()
        try Self.save([Self.village("a", ["gas": 100]), Self.village("m", ["gas": 50])], on: "2021-10-10", into: &b)
        try Self.save([Self.village("a", ["gas": 100, "biomass": 80]), Self.village("m", ["gas": 50], unit: "limin")],
                      on: "2021-10-12", into: &b)
        try b.report("xiatuanpu", "2021-10-11", [("a", "gas", [100, 50, 20, 0, 0]), ("a", "biomass", [80, 80, 80, 0, 0])])
        try b.report("limin", "2021-10-10", [("m", "gas", [60, 60, 60, 0, 0])])
        try Self.save([Self.village("a", ["gas": 300, "biomass": 80])], on: "2021-10-20", into: &b)
        for state in [b.state, try Self.roundTrip(b.state)] {
            #expect(Self.targets(state, "2021-10-11", lateWindowDays: 3) == ["gas": 100, "biomass": 80])
            #expect(Self.targets(state, "2021-10-10", "limin", lateWindowDays: 3) == ["gas": 50])
            #expect(Self.targets(state, "2021-10-10", lateWindowDays: 3) == ["gas": 100, "biomass": 80]) // m went to limin
            #expect(Self.targets(state, "2021-10-17", lateWindowDays: 3) == ["gas": 300, "biomass": 80])
            #expect(Self.targets(state, "2021-10-16", lateWindowDays: 3) == ["gas": 100, "biomass": 80])
        }
    }
}
