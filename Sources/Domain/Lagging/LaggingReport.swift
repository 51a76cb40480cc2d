import Foundation

/// How seriously a unit drags (方案 六 三是: 通报批评, 移交纪检).
public enum LaggingLevel: String, Encodable, Sendable, Comparable, CaseIterable {
    case notice, criticize, refer

    var rank: Int { LaggingLevel.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: LaggingLevel, rhs: LaggingLevel) -> Bool { lhs.rank < rhs.rank }

    public var chinese: String {
        switch self {
        case .notice: "提醒"
        case .criticize: "通报批评"
        case .refer: "移交纪检"
        }
    }
}

/// One reason a unit is listed, with its figures.
public struct LaggingReason: Encodable, Sendable, Equatable {
    public struct OverdueTask: Encodable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var due: LocalDate
        public var daysOverdue: Int
    }

    public var code: String
    public var level: LaggingLevel
    /// A Chinese sentence for the notice.
    public var detail: String
    public var count: Int?
    public var dates: [LocalDate]?
    public var expectedRate: Double?
    public var actualRate: Double?
    public var pointsBehind: Double?
    public var reports: Int?
    public var installed: Int?
    public var target: Int?
    public var tasks: [OverdueTask]?
    public var previousLevel: LaggingLevel?

    init(code: String, level: LaggingLevel, detail: String) {
        self.code = code
        self.level = level
        self.detail = detail
    }
}

public struct LaggingUnit: Encodable, Sendable {
    public var unit: String
    public var name: String
    public var kind: Unit.Kind
    public var level: LaggingLevel
    public var reasons: [LaggingReason]
}

/// The supervision office's query over a window of days: the units that drag, most serious first (docs/lagging.md).
public struct LaggingReport: Encodable, Sendable {
    public var from: LocalDate
    public var to: LocalDate
    public var thresholds: Thresholds
    /// `?level=`: units below it are left out of `units`.
    public var minimumLevel: LaggingLevel?
    public var units: [LaggingUnit]
    /// The season's plan as the notice cites it (its title, from the migration); not in the JSON.
    public var planTitle: String?
    /// Reporting days in the window, and those of them whose deadline had passed when the report was drawn: with
    /// none past, the notice cannot say everyone reported on time (a 09:00 query of today's window said so).
    public var reportingDays: Int
    public var daysPastDeadline: Int
    /// The district's date when the report was drawn: the notice's date under its signature.
    public var drawnOn: LocalDate

    enum CodingKeys: String, CodingKey { case from, to, thresholds, minimumLevel, units }

    public struct Thresholds: Encodable, Sendable {
        public var missedNotice, missedCriticize, missedRefer, lateNotice, lateCriticize: Int
        public var behindCriticizePoints, behindReferPoints: Double
        public var stalledNotice, stalledCriticize, overdueReferDays: Int

        init(_ t: LaggingThresholds) {
            missedNotice = t.missedNotice; missedCriticize = t.missedCriticize; missedRefer = t.missedRefer
            lateNotice = t.lateNotice; lateCriticize = t.lateCriticize
            behindCriticizePoints = t.behindCriticizePoints; behindReferPoints = t.behindReferPoints
            stalledNotice = t.stalledNotice; stalledCriticize = t.stalledCriticize; overdueReferDays = t.overdueReferDays
        }
    }

    init(state: CampaignState, season: Season?, rules campaignRules: CampaignRules, now: Date, from: LocalDate, to: LocalDate,
         thresholds: LaggingThresholds, minimumLevel: LaggingLevel?) {
        self.from = from
        self.to = to
        self.thresholds = Thresholds(thresholds)
        self.minimumLevel = minimumLevel
        // A window before the first season cites the plan it leads up to, not a generic title.
        self.planTitle = (season ?? state.firstSeason)?.title
        let reporting = from.through(to).filter { campaignRules.isReportingDay($0, in: state) }
        self.reportingDays = reporting.count
        self.daysPastDeadline = reporting.filter { campaignRules.deadlinePassed($0, at: now) }.count
        self.drawnOn = campaignRules.time.localDate(of: now)
        let length = to - from + 1
        let previousFrom = from.adding(days: -length), previousTo = from.adding(days: -1)
        let rules = LaggingRules(state: state, season: season, rules: campaignRules, now: now, thresholds: thresholds,
                                 rosters: [to: state.rosterTargets(for: to, rules: campaignRules),
                                           previousTo: state.rosterTargets(for: previousTo, rules: campaignRules)])
        var units: [LaggingUnit] = []
        for unit in rules.candidateUnits() {
            var reasons = rules.reasons(for: unit, from: from, to: to)
            guard var level = reasons.map(\.level).max() else { continue }
            // Criticized in the previous window of the same length as well → refer; unless what is serious now is only
            // tasks done by the window's end (one late task across two windows is not a repeated failing, and
            // "本期仍未改正" beside "后于…完成" said a finished task was not).
            let persisting = reasons.contains { $0.level >= .criticize && !rules.correctedBy(to, $0) }
            if level == .criticize, persisting,
               let previous = rules.reasons(for: unit, from: previousFrom, to: previousTo).map(\.level).max(), previous >= .criticize {
                // "达到…标准": the previous window's own reasons, not the level its notice published (which may have
                // been raised by the window before it).
                var repeated = LaggingReason(code: "repeated", level: .refer,
                                             detail: "上一督查期（\(previousFrom == previousTo ? previousFrom.chineseMonthDay : "\(previousFrom.chineseMonthDay)—\(previousTo.chineseMonthDay)")）亦有达到\(previous.chinese)标准的问题，本期仍未改正")
                repeated.previousLevel = previous
                reasons.append(repeated)
                level = .refer
            }
            if let minimumLevel, level < minimumLevel { continue }
            units.append(LaggingUnit(unit: unit.id, name: unit.name, kind: unit.kind, level: level,
                                     reasons: reasons.sorted { $0.level > $1.level }))
        }
        self.units = Self.mostSeriousFirst(units)
    }

    /// The level; then how many reasons reach that level on their own; then all reasons; then days missed; then the
    /// unit's id. (By level and number of reasons alone, a unit 3 days missed with a stall came before one 7 days
    /// missed and far behind schedule.)
    static func mostSeriousFirst(_ units: [LaggingUnit]) -> [LaggingUnit] {
        func weight(_ unit: LaggingUnit) -> (Int, Int, Int, Int) {
            (unit.level.rank, unit.reasons.count { $0.level == unit.level }, unit.reasons.count,
             unit.reasons.first { $0.code == "missed_reports" }?.count ?? 0)
        }
        return units.sorted { a, b in
            let (left, right) = (weight(a), weight(b))
            return left != right ? left > right : a.unit < b.unit
        }
    }
}
