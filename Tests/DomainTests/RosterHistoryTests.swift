import Foundation
import Testing
@testable import Domain

@Suite struct RosterHistoryUnitTests {
    static func village(_ id: String, _ households: Int, unit: String = "xiatuanpu") -> Village {
        Village(id: id, name: id, unit: unit, area: "rural", targets: ["biomass": households])
    }

    static func audit(on date: String) -> AuditEntry {
        AuditEntry(at: Date(timeIntervalSince1970: 1_634_371_200), date: day(date), tokenID: "tok_1", tokenLabel: "办公室",
                   role: .office, action: "village.save", target: "a", summary: "")
    }

    @Test func eachDayKeepsTheRosterItEndedWith() {
        var history = RosterHistory()
        history.save(Self.village("plan", 10), replacing: nil, on: nil)
        history.save(Self.village("a", 100), replacing: nil, on: day("2021-10-14"))
        history.save(Self.village("a", 120), replacing: Self.village("a", 100), on: day("2021-10-16"))
        #expect(history.asOf(day("2021-10-13")).byPath["biomass"] == 10)
        #expect(history.asOf(day("2021-10-14")).byPath["biomass"] == 110)
        #expect(history.asOf(day("2021-10-15")).byPath["biomass"] == 110)
        #expect(history.asOf(day("2021-10-16")).byUnitAndPath["xiatuanpu"]?["biomass"] == 130)
        // A date before the last change (the test clock set back) counts on every later day too.
        history.save(Self.village("b", 5), replacing: nil, on: day("2021-10-15"))
        #expect([13, 14, 15, 16].map { history.asOf(day("2021-10-\($0)")).byPath["biomass"] } == [10, 110, 115, 135])
        // A migration's village counts from the start.
        history.save(Self.village("plan2", 1, unit: "zirun"), replacing: nil, on: nil)
        #expect([13, 16].map { history.asOf(day("2021-10-\($0)")).byPath["biomass"] } == [11, 136])
        #expect(history.current == history.asOf(day("2030-01-01")))
        #expect(history.firstRegistrations["a"]?.village.targets["biomass"] == 100)
        #expect(history.firstRegistrations["plan"] == nil)
    }

    @Test func aSnapshotWithoutHistoryCountsItsRosterFromTheStartAndADisagreeingOneIsRefused() throws {
        var b = try StateBuilder()
        try b.state.apply(LoggedChange(.villagesSaved([Self.village("a", 100)]), audit: Self.audit(on: "2021-10-16")))
        #expect(b.state.rosterTargets(on: day("2021-10-15")).byUnitAndPath["xiatuanpu"] == nil)
        var files = try b.state.snapshotFiles().mapValues { try $0.materialized() }
        #expect(try CampaignState(snapshotFiles: files).rosterTargets(on: day("2021-10-15")).byUnitAndPath["xiatuanpu"] == nil)
        files["roster-history.json"] = nil // written before the roster kept its history
        #expect(try CampaignState(snapshotFiles: files).rosterTargets(on: day("2021-10-15")).byUnitAndPath["xiatuanpu"]?["biomass"] == 100)
        files["roster-history.json"] = Data(#"{"base": {"byUnitAndPath": {}}, "days": [], "firstRegistrations": {}}"#.utf8)
        #expect(throws: DomainError.self) { try CampaignState(snapshotFiles: files) }
    }
}
