import Testing
@testable import Domain

/// The bulletin's unit ranking (API.md: `rank` by completion rate) agrees with the percentages it prints.
@Suite struct RankingTests {
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
}
