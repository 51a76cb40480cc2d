import Testing
@testable import Domain

/// The bulletin's completion rates and ranking (API.md: `completionRate` 0–1, `rank` by completion rate).
@Suite struct BulletinFiguresTests {
    static func line(_ unit: String, installed: Int, of target: Int) -> Bulletin.UnitLine {
        Bulletin.UnitLine(unit: unit, name: unit, status: "on_time", rank: 0, stale: false, lastReportDate: nil,
                          figures: ProgressFigures(planTarget: nil, rosterTarget: target, today: Funnel(installed: installed), yesterday: .zero))
    }

    /// 247/2000 (12.35 %, printed 12.4 %) and 2469/20000 (12.345 %, printed 12.3 %) both round to 0.1235 in JSON;
    /// they shared rank 4 while the text printed different rates. Equal fractions still share a rank.
    @Test func theUnroundedRateDecidesAndEqualRatesShareARank() {
        let ranked = Bulletin.ranked([Self.line("a", installed: 2469, of: 20000), Self.line("b", installed: 247, of: 2000),
                                      Self.line("c", installed: 1, of: 2), Self.line("d", installed: 2, of: 4), Self.line("e", installed: 0, of: 0)])
        #expect(ranked.map(\.unit) == ["c", "d", "b", "a", "e"])
        #expect(ranked.map(\.rank) == [1, 1, 3, 4, 5])
        #expect(ranked[2].figures.completionRate == ranked[3].figures.completionRate)
    }

    /// A roster above the plan can install more than the plan's number: the rate stays within 0–1.
    @Test func moreInstalledThanTheTargetIsARateOfOne() {
        let over = ProgressFigures(planTarget: 1632, rosterTarget: 2000, today: Funnel(installed: 1900), yesterday: .zero)
        #expect(over.completionRate == 1 && over.exactRate == 1 && over.installed == 1900)
        #expect(BulletinText.percent(over.exactRate) == "100.0%")
    }
    /// Clean coal is outside completion on the day before the season begins as on its first day (docs/bulletin.md):
    /// before the season the district and unit lines counted it in, and the figures jumped overnight.
    @Test func theDayBeforeTheSeasonCountsTheSameRetrofitPaths() throws {
        var builder = try StateBuilder()
        try builder.village("xtp-a", unit: "xiatuanpu", targets: ["biomass": 10, "clean_coal": 5])
        let state = builder.state
        let lines = try ["2021-07-25", "2021-07-26"].map { date in
            let bulletin = Bulletin(date: day(date), state: state, season: state.season(containing: day(date)),
                                    paths: state.paths, rules: CampaignRules(), generatedAt: builder.at)
            let unit = try #require(bulletin.byUnit.first { $0.unit == "xiatuanpu" })
            return (bulletin.district.rosterTarget, unit.figures.rosterTarget)
        }
        #expect(lines.map(\.0) == [10, 10] && lines.map(\.1) == [10, 10], "\(lines)")
    }

    /// A reporter's text stays on its line in the chat: each break is one space, a Windows CR LF included.
    @Test func aLineBreakOfAnyKindIsOneSpace() {
        #expect(BulletinText.oneLine("东村\r\n西村") == "东村 西村")
        #expect(BulletinText.oneLine("东村\n\n西村\u{2028}北村\r") == "东村  西村 北村 ")
        #expect(BulletinText.oneLine("东村") == "东村")
    }
}
