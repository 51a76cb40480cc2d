/// Progress over a range of days, for the weekly meeting and the monthly report (工作进展月报).
public struct Summary: Encodable, Sendable {
    public struct PathLine: Encodable, Sendable {
        public var path: String
        public var counts: Funnel
        /// Counts at `to` minus counts at the day before `from`.
        public var change: Funnel
    }

    public struct UnitLine: Encodable, Sendable {
        public var unit: String
        public var name: String
        /// Days in the range within the season's reporting period and not exempt.
        public var expected: Int
        public var onTime: Int
        public var late: Int
        public var missing: Int
        public var exempt: Int
        /// The paths that count toward completion (not clean coal), as the bulletin's unit lines.
        public var counts: Funnel
        public var change: Funnel
        public var paths: [PathLine]
    }

    public var from: LocalDate
    public var to: LocalDate
    public var days: Int
    public var district: Totals
    public var byUnit: [UnitLine]

    public struct Totals: Encodable, Sendable {
        public var expected: Int
        public var onTime: Int
        public var late: Int
        public var missing: Int
        public var exempt: Int
        public var counts: Funnel
        public var change: Funnel
    }

    /// `isReportingDay`: `CampaignRules.isReportingDay(_:in:)`, the one rule for which days expect reports;
    /// `deadlinePassed`: `CampaignRules.deadlinePassed(_:at:)` at now. A day still open (today before the
    /// deadline, a future day) counts the reports already in and no one as missing.
    init(from: LocalDate, to: LocalDate, state: CampaignState, season: Season?, isReportingDay: (LocalDate) -> Bool,
         deadlinePassed: (LocalDate) -> Bool) {
        self.from = from
        self.to = to
        self.days = to - from + 1
        let units = DayStatus.reportingUnits(of: season, state: state)
        let inSeason = from.through(to).filter(isReportingDay)
        byUnit = units.map { unit in
            var line = UnitLine(unit: unit.id, name: unit.name, expected: 0, onTime: 0, late: 0, missing: 0, exempt: 0,
                                counts: .zero, change: .zero, paths: [])
            for date in inSeason {
                switch DayStatus(unit: unit, date: date, state: state, due: true).code { // in-season days only
                case "exempt": line.exempt += 1
                case "on_time": line.expected += 1; line.onTime += 1
                case "late": line.expected += 1; line.late += 1
                default: if deadlinePassed(date) { line.expected += 1; line.missing += 1 }
                }
            }
            let timeline = state.timelines[unit.id]
            let end = timeline?.effective(onOrBefore: to)?.counts ?? [:]
            let start = timeline?.effective(onOrBefore: from.adding(days: -1))?.counts ?? [:]
            var byPath: [String: (Funnel, Funnel)] = [:]
            for (key, counts) in end { byPath[key.path, default: (.zero, .zero)].0 += counts }
            for (key, counts) in start { byPath[key.path, default: (.zero, .zero)].1 += counts }
            line.paths = byPath.keys.sorted().map { path in
                let (now, before) = byPath[path] ?? (.zero, .zero)
                return PathLine(path: path, counts: now, change: now - before)
            }
            // As in the bulletin, the unit's totals are its retrofit's: clean coal stays in its path line only.
            let retrofit = line.paths.filter { CompletionScope(season: season, in: state).counts($0.path) }
            line.counts = retrofit.map(\.counts).reduce(.zero, +)
            line.change = retrofit.map(\.change).reduce(.zero, +)
            return line
        }
        district = Totals(expected: byUnit.map(\.expected).reduce(0, +), onTime: byUnit.map(\.onTime).reduce(0, +),
                          late: byUnit.map(\.late).reduce(0, +), missing: byUnit.map(\.missing).reduce(0, +),
                          exempt: byUnit.map(\.exempt).reduce(0, +),
                          counts: byUnit.map(\.counts).reduce(.zero, +), change: byUnit.map(\.change).reduce(.zero, +))
    }
}

extension Campaign {
    public func summary(from: LocalDate, to: LocalDate) throws -> Summary {
        guard from <= to else { throw DomainError.invalid("from", "from 不能晚于 to") }
        guard to - from < 366 else { throw DomainError.invalid("to", "一次最多汇总 366 天") }
        // As lagging and the bulletin: a day to come has no figures (its exemptions alone would count).
        let today = self.today
        guard to <= today else { throw DomainError(.futureDate, "to 不能晚于今天（\(today)）", details: [.init(field: "to", message: "日期晚于今天")]) }
        let rules = self.rules
        let now = self.now()
        return read { state in
            Summary(from: from, to: to, state: state, season: state.season(containing: to).map(effective),
                    isReportingDay: { rules.isReportingDay($0, in: state) }, deadlinePassed: { rules.deadlinePassed($0, at: now) })
        }
    }
}
