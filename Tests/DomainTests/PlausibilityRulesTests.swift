import Foundation
import Testing
@testable import Domain

/// Warnings that flag a report without refusing it.
@Suite struct PlausibilityRulesTests {
    static let same = [1, 1, 1, 0, 0]

    func rules(_ builder: StateBuilder, date: String, counts: [Int]) -> [String] {
        let entry = VillageProgress(village: "xtp-a", path: "biomass",
                                    counts: Funnel(confirmed: counts[0], signed: counts[1], installed: counts[2], accepted: counts[3], operating: counts[4]))
        return PlausibilityRules(unit: "xiatuanpu", date: day(date), villages: [entry], thresholds: PlausibilityThresholds())
            .warnings(in: builder.state).map(\.rule)
    }

    func builder(reporting dates: [String], target: Int = 10) throws -> StateBuilder {
        var builder = try StateBuilder()
        try builder.village("xtp-a", unit: "xiatuanpu", targets: ["biomass": target])
        for date in dates { try builder.report("xiatuanpu", date, [("xtp-a", "biomass", Self.same)]) }
        return builder
    }

    @Test func unchangedOverTheLastThreeReportedDaysBelowTargetIsFlagged() throws {
        let three = try builder(reporting: ["2021-10-01", "2021-10-03", "2021-10-04"])
        #expect(rules(three, date: "2021-10-05", counts: Self.same) == ["unchanged_below_target"])
        // A correction of the third day looks back at the two before it only.
        #expect(rules(three, date: "2021-10-04", counts: Self.same) == [])
        #expect(rules(three, date: "2021-10-05", counts: [2, 1, 1, 0, 0]) == [])
        #expect(rules(try builder(reporting: ["2021-10-01", "2021-10-03"]), date: "2021-10-05", counts: Self.same) == [])
        // Reported days after the date do not count as earlier ones.
        let later = try builder(reporting: ["2021-10-01", "2021-10-03", "2021-10-06", "2021-10-07"])
        #expect(rules(later, date: "2021-10-05", counts: Self.same) == [])
        #expect(rules(try builder(reporting: ["2021-10-01", "2021-10-03", "2021-10-04"], target: 1), date: "2021-10-05",
                      counts: Self.same) == [])
    }

    /// A revision that sends no village keeps the day's counts from its earlier revision: when that one moved the
    /// counts, the day is no "unchanged" day, whatever the days before it had.
    @Test func aRevisionOmittingVillagesIsJudgedByTheCountsTheDayKeeps() throws {
        var builder = try builder(reporting: ["2021-10-01", "2021-10-02", "2021-10-03"])
        try builder.report("xiatuanpu", "2021-10-04", [("xtp-a", "biomass", [2, 2, 2, 0, 0])])
        let empty = PlausibilityRules(unit: "xiatuanpu", date: day("2021-10-04"), villages: [],
                                      thresholds: PlausibilityThresholds()).warnings(in: builder.state)
        #expect(empty.isEmpty, "\(empty)")
        // Without the moving revision, the same empty report is the fourth unchanged one.
        let still = try self.builder(reporting: ["2021-10-01", "2021-10-02", "2021-10-03"])
        #expect(PlausibilityRules(unit: "xiatuanpu", date: day("2021-10-04"), villages: [],
                                  thresholds: PlausibilityThresholds()).warnings(in: still.state).map(\.rule) == ["unchanged_below_target"])
    }

    /// A later revision of a day is judged by the day's counts with it: the earlier revision's villages it does not
    /// name, and its own. (Compared without building them: each way they can differ from the day before.)
    @Test func aLaterRevisionIsJudgedWithTheVillagesTheDayKept() throws {
        var builder = try StateBuilder()
        try builder.village("xtp-a", unit: "xiatuanpu", targets: ["biomass": 10])
        try builder.village("xtp-b", unit: "xiatuanpu", targets: ["biomass": 10])
        try builder.village("xtp-c", unit: "xiatuanpu", targets: ["biomass": 10])
        for date in ["2021-10-01", "2021-10-02", "2021-10-03"] {
            try builder.report("xiatuanpu", date, [("xtp-a", "biomass", Self.same), ("xtp-b", "biomass", Self.same)])
        }
        // The day's first revision moved b.
        try builder.report("xiatuanpu", "2021-10-04", [("xtp-b", "biomass", [2, 2, 2, 0, 0])])
        func warned(_ entries: [(String, [Int])]) -> Bool {
            let villages = entries.map { village, c in
                VillageProgress(village: village, path: "biomass",
                                counts: Funnel(confirmed: c[0], signed: c[1], installed: c[2], accepted: c[3], operating: c[4]))
            }
            return PlausibilityRules(unit: "xiatuanpu", date: day("2021-10-04"), villages: villages,
                                     thresholds: PlausibilityThresholds()).warnings(in: builder.state).map(\.rule) == ["unchanged_below_target"]
        }
        #expect(warned([("xtp-b", Self.same)]), "b put back: the day is as before")
        #expect(!warned([("xtp-a", Self.same)]), "b kept as moved")
        #expect(!warned([]), "b kept as moved")
        #expect(!warned([("xtp-b", Self.same), ("xtp-c", Self.same)]), "a village the days before did not have")
        #expect(!warned([("xtp-a", [2, 1, 1, 0, 0]), ("xtp-b", Self.same)]), "a moved")
        #expect(warned([("xtp-a", Self.same), ("xtp-b", Self.same)]))
        // Before any revision of the day, its counts are the day before's with the report's laid over.
        try builder.report("xiatuanpu", "2021-10-05", [("xtp-a", "biomass", Self.same), ("xtp-b", "biomass", Self.same)])
        let next = PlausibilityRules(unit: "xiatuanpu", date: day("2021-10-06"),
                                     villages: [VillageProgress(village: "xtp-c", path: "biomass", counts: Funnel(confirmed: 1, signed: 1, installed: 1))],
                                     thresholds: PlausibilityThresholds())
        #expect(next.warnings(in: builder.state).isEmpty, "c is new on the day")
        // Unchanged since the 5th only: the 4th ended with b moved.
        #expect(PlausibilityRules(unit: "xiatuanpu", date: day("2021-10-06"), villages: [], thresholds: PlausibilityThresholds())
            .warnings(in: builder.state).isEmpty)
    }

    /// The message counts every report of the run, not the threshold.
    @Test func theWarningCountsTheWholeRun() throws {
        let five = try builder(reporting: ["2021-10-01", "2021-10-02", "2021-10-03", "2021-10-04", "2021-10-05"])
        let entry = VillageProgress(village: "xtp-a", path: "biomass", counts: Funnel(confirmed: 1, signed: 1, installed: 1))
        let messages = PlausibilityRules(unit: "xiatuanpu", date: day("2021-10-06"), villages: [entry],
                                         thresholds: PlausibilityThresholds()).warnings(in: five.state).map(\.message)
        #expect(messages == ["连续 6 次报送进度无变化且未完成改造任务，请说明原因"])
        // A change in the middle starts the count again.
        var broken = try builder(reporting: ["2021-10-01", "2021-10-02"])
        try broken.report("xiatuanpu", "2021-10-03", [("xtp-a", "biomass", [2, 2, 2, 0, 0])])
        for date in ["2021-10-04", "2021-10-05", "2021-10-06"] { try broken.report("xiatuanpu", date, [("xtp-a", "biomass", Self.same)]) }
        #expect(PlausibilityRules(unit: "xiatuanpu", date: day("2021-10-07"), villages: [entry],
                                  thresholds: PlausibilityThresholds()).warnings(in: broken.state).map(\.message)
                == ["连续 4 次报送进度无变化且未完成改造任务，请说明原因"])
    }

    /// Clean coal below its target is no retrofit left undone: unchanged clean-coal counts alone are not flagged.
    @Test func unchangedCleanCoalAloneIsNotFlagged() throws {
        var builder = try StateBuilder()
        try builder.village("xtp-c", unit: "xiatuanpu", targets: ["clean_coal": 10])
        for date in ["2021-10-01", "2021-10-03", "2021-10-04"] { try builder.report("xiatuanpu", date, [("xtp-c", "clean_coal", Self.same)]) }
        let entry = VillageProgress(village: "xtp-c", path: "clean_coal", counts: Funnel(confirmed: 1, signed: 1, installed: 1))
        #expect(PlausibilityRules(unit: "xiatuanpu", date: day("2021-10-05"), villages: [entry],
                                  thresholds: PlausibilityThresholds()).warnings(in: builder.state).isEmpty)
    }

    @Test func aJumpOfMoreThanHalfTheTargetAndFiftyHouseholdsIsFlagged() throws {
        let start = try builder(reporting: ["2021-10-01"], target: 200)
        #expect(rules(start, date: "2021-10-02", counts: [200, 200, 150, 0, 0]) == ["implausible_jump"])
        #expect(rules(start, date: "2021-10-02", counts: [200, 200, 90, 0, 0]) == [])
        // Since an earlier reported day the message names it instead of "一天内".
        let message = PlausibilityRules(unit: "xiatuanpu", date: day("2021-10-05"),
                                        villages: [VillageProgress(village: "xtp-a", path: "biomass", counts: Funnel(confirmed: 200, signed: 200, installed: 150))],
                                        thresholds: PlausibilityThresholds()).warnings(in: start.state).first?.message
        #expect(message?.contains("较10月1日增加 149 户") == true)
    }

    /// A village's first report carries the season's work so far; there is no earlier figure it jumped from.
    @Test func aFirstReportIsNoJump() throws {
        #expect(rules(try builder(reporting: [], target: 200), date: "2021-10-02", counts: [200, 200, 150, 0, 0]) == [])
        var other = try builder(reporting: ["2021-10-01"], target: 200)
        try other.village("xtp-b", unit: "xiatuanpu", targets: ["biomass": 200])
        let entry = VillageProgress(village: "xtp-b", path: "biomass", counts: Funnel(confirmed: 200, signed: 200, installed: 150))
        #expect(PlausibilityRules(unit: "xiatuanpu", date: day("2021-10-02"), villages: [entry],
                                  thresholds: PlausibilityThresholds()).warnings(in: other.state).isEmpty)
    }
}
