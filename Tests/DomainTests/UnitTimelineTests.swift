import Foundation
import Testing
@testable import Domain

/// The incremental rebuild (stop once a day comes out as before) must always equal deriving every day afresh,
/// with dates across several of the day map's 32-day blocks.
@Suite struct UnitTimelineTests {
    @Test func incrementalRebuildEqualsAFreshDerivation() throws {
        var generator = SystemRandomNumberGenerator()
        let first = try #require(LocalDate("2021-09-01"))
        let villages = ["a", "b", "c"]
        for _ in 0..<50 {
            var unitDays = DayMap<UnitDay>()
            var timeline = UnitTimeline()
            for step in 0..<60 {
                let date = first.adding(days: Int.random(in: 0..<80, using: &generator))
                let reported = villages.filter { _ in Bool.random(using: &generator) }
                let revision = ReportRevision(
                    revision: step, submittedAt: Date(), submittedBy: "test",
                    villages: reported.map { VillageProgress(village: $0, path: "biomass",
                                                             counts: Funnel(confirmed: Int.random(in: 0...3, using: &generator))) },
                    fuel: Bool.random(using: &generator) ? FuelDelivered(biomassTons: Double(step)) : nil,
                    issues: [], nextDayPlan: nil, reporter: nil, correction: nil, warnings: [])
                unitDays[date, default: UnitDay(unit: "u", date: date, status: .onTime, revisions: [], review: .received)]
                    .append(revision)
                timeline.rebuild(from: date, unitDays: unitDays)
                #expect(timeline == UnitTimeline(deriving: unitDays))
                // The plain model: every revision of every day in order, each village its last reported counts.
                var model: [ProgressKey: Funnel] = [:]
                for day in unitDays.dates.sorted() {
                    for revision in unitDays[day]?.revisions ?? RevisionList() {
                        for village in revision.villages { model[village.key] = village.counts }
                    }
                    #expect(timeline.effective(onOrBefore: day)?.counts == model)
                }
            }
        }
    }

    @Test func daysBeforeADateAreTheLastOnesStrictlyEarlier() throws {
        var builder = try StateBuilder()
        try builder.village("xtp-a", unit: "xiatuanpu", targets: ["biomass": 10])
        for date in ["2021-10-01", "2021-10-03", "2021-10-05", "2021-10-07"] {
            try builder.report("xiatuanpu", date, [("xtp-a", "biomass", [1, 0, 0, 0, 0])])
        }
        let timeline = try #require(builder.state.timelines["xiatuanpu"])
        func dates(_ before: String, _ count: Int) -> [String] {
            timeline.days(before: day(before), count: count).map(\.date.description)
        }
        #expect(dates("2021-10-05", 2) == ["2021-10-01", "2021-10-03"])
        #expect(dates("2021-10-06", 2) == ["2021-10-03", "2021-10-05"])
        #expect(dates("2021-10-08", 3) == ["2021-10-03", "2021-10-05", "2021-10-07"])
        #expect(dates("2021-10-03", 5) == ["2021-10-01"])
        #expect(dates("2021-10-01", 2) == [])
        #expect(dates("2021-09-01", 2) == [])
    }
}
