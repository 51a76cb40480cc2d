import Testing
@testable import Domain

/// The supervision office reads the lagging list from the top: most serious first (docs/lagging.md).
@Suite struct LaggingOrderTests {
    static func unit(_ id: String, _ reasons: [(String, LaggingLevel, Int?)]) -> LaggingUnit {
        LaggingUnit(unit: id, name: id, kind: .township, level: reasons.map(\.1).max() ?? .notice,
                    reasons: reasons.map { code, level, count in
                        var reason = LaggingReason(code: code, level: level, detail: code)
                        reason.count = count
                        return reason
                    })
    }

    @Test func levelThenReasonsAtThatLevelThenAllReasonsThenDaysMissed() {
        let stalledToo = Self.unit("a-stalled", [("missed_reports", .refer, 3), ("behind_schedule", .criticize, nil), ("stalled", .notice, 5)])
        let farBehind = Self.unit("b-behind", [("missed_reports", .refer, 7), ("behind_schedule", .refer, nil)])
        let missedMore = Self.unit("c-missed", [("missed_reports", .refer, 6), ("late_reports", .notice, 1), ("stalled", .notice, 3)])
        let missedLess = Self.unit("d-missed", [("missed_reports", .refer, 4), ("late_reports", .notice, 1), ("stalled", .notice, 3)])
        let twin = Self.unit("e-twin", [("missed_reports", .refer, 4), ("late_reports", .notice, 1), ("stalled", .notice, 3)])
        let criticized = Self.unit("f-late", [("late_reports", .criticize, 5), ("stalled", .criticize, 6), ("overdue_tasks", .criticize, nil)])
        let ordered = LaggingReport.mostSeriousFirst([criticized, twin, missedLess, stalledToo, missedMore, farBehind])
        #expect(ordered.map(\.unit) == ["b-behind", "c-missed", "d-missed", "e-twin", "a-stalled", "f-late"])
    }
}
