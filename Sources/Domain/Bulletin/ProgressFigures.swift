/// Targets, the five cumulative counts, completion and the change since the day before: one line of a bulletin.
public struct ProgressFigures: Encodable, Sendable, Equatable {
    /// From the plan (district, paths); a unit's is its roster target, since the plan does not split every path by unit.
    public var planTarget: Int?
    public var rosterTarget: Int
    public var confirmed: Int
    public var signed: Int
    public var installed: Int
    public var accepted: Int
    public var operating: Int
    /// installed ÷ (planTarget, else rosterTarget), 0–1 (API.md: more installed than the target is 1), four
    /// decimals; 0 when there is no target.
    public var completionRate: Double
    /// installed ÷ target unrounded: what the text and CSV round once, to one decimal of a percent. Rounded from
    /// `completionRate`'s four decimals, 2.649 % came out as 2.7 %.
    public var exactRate: Double
    public var dayChange: DayChange

    public struct DayChange: Encodable, Sendable, Equatable {
        public var confirmed: Int
        public var signed: Int
        public var installed: Int
        public var accepted: Int
        public var operating: Int
    }

    init(planTarget: Int?, rosterTarget: Int, today: Funnel, yesterday: Funnel) {
        self.planTarget = planTarget
        self.rosterTarget = rosterTarget
        confirmed = today.confirmed
        signed = today.signed
        installed = today.installed
        accepted = today.accepted
        operating = today.operating
        let target = planTarget ?? rosterTarget
        exactRate = target > 0 ? min(1, Double(today.installed) / Double(target)) : 0
        completionRate = (exactRate * 10_000).rounded() / 10_000
        let change = today - yesterday
        dayChange = DayChange(confirmed: change.confirmed, signed: change.signed, installed: change.installed,
                              accepted: change.accepted, operating: change.operating)
    }

    enum CodingKeys: String, CodingKey {
        case planTarget, rosterTarget, confirmed, signed, installed, accepted, operating, completionRate, dayChange
    }

    /// A path the plan sets no number for has `"planTarget": null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(planTarget, forKey: .planTarget)
        try container.encode(rosterTarget, forKey: .rosterTarget)
        try container.encode(confirmed, forKey: .confirmed)
        try container.encode(signed, forKey: .signed)
        try container.encode(installed, forKey: .installed)
        try container.encode(accepted, forKey: .accepted)
        try container.encode(operating, forKey: .operating)
        try container.encode(completionRate, forKey: .completionRate)
        try container.encode(dayChange, forKey: .dayChange)
    }

    /// A rate as the texts print it, in tenths of a percent: what the text and CSV show, and what lagging's
    /// points behind are the difference of.
    static func tenthsOfAPercent(_ rate: Double) -> Int { Int((rate * 1000).rounded()) }

    var counts: Funnel { Funnel(confirmed: confirmed, signed: signed, installed: installed, accepted: accepted, operating: operating) }
}

public struct UnitRef: Encodable, Sendable, Equatable {
    public var id: String
    public var name: String
}
