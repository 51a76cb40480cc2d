import Foundation

/// The expected units that have not reported for a date yet: the list the office @-mentions in the chat.
public struct PendingList: Encodable, Sendable {
    public var date: LocalDate
    public var deadline: Date
    public var asOf: Date
    /// Whether the date is a reporting day at all; outside the season nobody is expected, which is not "all reported".
    public var due: Bool
    public var units: [UnitRef]
    /// The last day the units may still report for `date` (its late window's end), and the units the office has
    /// reopened the date for, who may after it (ids, sorted).
    public var settlesOn: LocalDate?
    public var reopened: [String] = []

    /// `截至17:00，尚未报送：滋润乡、沙楞河乡` for the day it is drawn on (`time` is then). Another day's list names
    /// that day and when it was drawn: `10月14日进展，截至10月15日17:30尚未报送：…`; without the first date it read as
    /// the drawing day's list.
    public func text(asOf time: String, drawnOn: LocalDate) -> String {
        if !due { return "\(date.chineseMonthDay)不在报送期内，无需报送" }
        let when = date == drawnOn ? "截至\(time)，" : "\(date.chineseMonthDay)进展，截至\(drawnOn.chineseMonthDay)\(time)"
        if units.isEmpty { return "\(when)各单位均已报送" }
        func names(_ list: [UnitRef]) -> String { list.map(\.name).joined(separator: "、") }
        guard settlesOn.map({ $0 < drawnOn }) ?? false else { return "\(when)尚未报送：\(names(units))" }
        // Past the late window "尚未" promised a report that can no longer come, except from a unit the office reopened
        // the date for.
        let reopened = Set(self.reopened)
        let closed = units.filter { !reopened.contains($0.id) }, open = units.filter { reopened.contains($0.id) }
        return when + [closed.isEmpty ? nil : "未报送（补报期已过）：\(names(closed))",
                       open.isEmpty ? nil : "尚未报送（已准予补报）：\(names(open))"].compactMap { $0 }.joined(separator: "；")
    }
}

extension Campaign {
    public func bulletin(for date: LocalDate) -> Bulletin {
        let generatedAt = now()
        let paths = self.paths()
        return read { state in
            // A day before the first season is shown against the plan it leads up to, as completion is counted
            // (docs/bulletin.md): its plan targets were null, the day after the season's end had them.
            let season = (state.season(containing: date) ?? state.firstSeason).map(effective)
            return Bulletin(date: date, state: state, season: season, paths: paths, rules: rules, generatedAt: generatedAt)
        }
    }

    public func pendingUnits(for date: LocalDate) -> PendingList {
        let asOf = now()
        return read { state in
            let season = state.season(containing: date)
            let due = rules.isReportingDay(date, in: state)
            let units = DayStatus.reportingUnits(of: season, state: state)
                .map { DayStatus(unit: $0, date: date, state: state, due: due) }
                .filter { $0.code == "missing" }
                .map { UnitRef(id: $0.unit.id, name: $0.unit.name) }
            return PendingList(date: date, deadline: rules.time.instant(on: date, at: rules.reportDeadline), asOf: asOf, due: due,
                               units: units, settlesOn: rules.settlement(of: date),
                               reopened: units.map(\.id).filter { unit in
                                   state.reopenings[unit]?[date].map { !CampaignRules.isPast($0.until, at: asOf) } ?? false
                               }.sorted())
        }
    }
}
