import Foundation
import Testing
@testable import Domain

/// The incremental rebuild (stop once a day comes out as before) must always equal deriving every day afresh.
@Suite struct UnitTimelineTests {
    @Test func incrementalRebuildEqualsAFreshDerivation() throws {
        var generator = SystemRandomNumberGenerator()
        let first = try #require(LocalDate("2021-09-01"))
        let villages = ["a", "b", "c"]
        for _ in 0..<50 {
            var unitDays: [LocalDate: UnitDay] = [:]
            var timeline = UnitTimeline()
            for step in 0..<60 {
                let date = first.adding(days: Int.random(in: 0..<20, using: &generator))
                let reported = villages.filter { _ in Bool.random(using: &generator) }
                let revision = ReportRevision(
                    revision: step, submittedAt: Date(), submittedBy: "test",
                    villages: reported.map { VillageProgress(village: $0, path: "biomass",
                                                             counts: Funnel(confirmed: Int.random(in: 0...3, using: &generator))) },
                    fuel: Bool.random(using: &generator) ? FuelDelivered(biomassTons: Double(step)) : nil,
                    issues: [], nextDayPlan: nil, reporter: nil, correction: nil, warnings: [])
                unitDays[date, default: UnitDay(unit: "u", date: date, status: .onTime, revisions: [], review: .received)]
                    .revisions.append(revision)
                timeline.rebuild(from: date, unitDays: unitDays)
                #expect(timeline == UnitTimeline(deriving: unitDays))
            }
        }
    }
}
