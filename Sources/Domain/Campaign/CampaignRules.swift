import Foundation

/// The campaign's settings from config: deadlines, windows, thresholds. Defaults match `config/default.json`.
public struct CampaignRules: Sendable {
    public var time = DistrictTime(timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .current)
    /// A report for day D first received by D at this time is on time (方案 六: 下午6:00前).
    public var reportDeadline = TimeOfDay(hour: 18, minute: 0)
    /// Reporters may submit for D up to this many days after D.
    public var lateWindowDays = 3
    /// Overrides of each season's retrofit deadline and last reporting day, by season id.
    public var seasonDeadlines: [String: LocalDate] = [:]
    public var seasonReportingEnds: [String: LocalDate] = [:]
    /// Yuan per household where the plan defers to another standard (household_electric, gas, clean_coal).
    public var subsidyOverrides: [String: SubsidyOverride] = [:]
    public var plausibility = PlausibilityThresholds()
    public var lagging = LaggingThresholds()
    /// Most villages one report may carry, and most rows one CSV import may carry.
    public var maxVillagesPerReport = 2_000
    public var maxImportRows = 50_000
    /// Most problems (issues) one report may list, and most characters of any free-text field.
    public var maxIssuesPerReport = 50
    public var maxTextLength = 1_000
    /// Most updates one task keeps (a season has about 260 days), and the largest cumulative tonnage of either
    /// fuel one report may state (a township's whole season is far below it).
    public var maxUpdatesPerTask = 1_000
    public var maxFuelTons: Double = 1_000_000

    public init() {}
}

public struct SubsidyOverride: Sendable, Equatable {
    public var centralPerHousehold: Int?
    public var cityPerHousehold: Int?
    public init(centralPerHousehold: Int?, cityPerHousehold: Int?) {
        self.centralPerHousehold = centralPerHousehold
        self.cityPerHousehold = cityPerHousehold
    }
}

/// Warnings that do not block a report.
public struct PlausibilityThresholds: Sendable, Equatable {
    /// `implausible_jump`: a village's installed count grows in one day by more than this share of its target…
    public var jumpShareOfTarget = 0.5
    /// …and by more than this many households.
    public var jumpMinHouseholds = 50
    /// `unchanged_below_target`: the unit's counts are identical over this many consecutive reported days while below target.
    public var unchangedDays = 3
    public init() {}
}

/// Thresholds of the supervision rules (督查). Each may be overridden per query.
public struct LaggingThresholds: Sendable, Equatable {
    public var missedNotice = 1
    public var missedCriticize = 2
    public var missedRefer = 3
    public var lateNotice = 1
    public var lateCriticize = 3
    /// Percentage points below the straight line from season start to deadline.
    public var behindCriticizePoints = 10.0
    public var behindReferPoints = 25.0
    public var stalledNotice = 3
    public var stalledCriticize = 5
    /// Any overdue task criticizes; this many days overdue refers.
    public var overdueReferDays = 7
    public init() {}
}

extension CampaignRules {
    /// The effective deadline and reporting end of a season, config overriding the migration.
    public func effective(_ season: Season) -> Season {
        var season = season
        if let deadline = seasonDeadlines[season.id] { season.deadline = deadline }
        if let end = seasonReportingEnds[season.id] { season.reportingEnd = end }
        return season
    }

    /// The season whose reporting window (as config sets it) holds `date`; nil when none does. The one rule for
    /// whether units report that day: submissions are refused outside it, and bulletins, pending lists and
    /// summaries expect nobody there.
    public func reportingSeason(on date: LocalDate, in state: CampaignState) -> Season? {
        guard let season = state.season(containing: date).map(effective), season.contains(date) else { return nil }
        return season
    }

    public func isReportingDay(_ date: LocalDate, in state: CampaignState) -> Bool {
        reportingSeason(on: date, in: state) != nil
    }

    /// The refusal of a date outside every reporting window, naming the window of the season the date belongs to
    /// (else the latest begun, else the first): a clerk told only "不在报送期内" could not tell what would be.
    /// `through`: the end of a period (an exemption's `to`), which then names the period; `field` the one at fault.
    func outsideSeason(_ date: LocalDate, through end: LocalDate? = nil, field: String = "date", in state: CampaignState) -> DomainError {
        let season = (state.season(containing: date) ?? state.seasons.first).map(effective)
        let period = season.map { "（\($0.id) 采暖季报送期为 \($0.start) 至 \($0.reportingEnd)）" } ?? "（没有设定报送期）"
        let what = end.map { "\(date) 至 \($0) 没有报送日" } ?? "\(date) 不在报送期内"
        return DomainError(.outsideSeason, what + period, details: [.init(field: field, message: "不在采暖季报送期内")])
    }

    /// Whether `date`'s report deadline has passed at `now`. Before it a unit without a report is pending, not
    /// missing: summaries and lagging queries count a missed day only after its deadline.
    public func deadlinePassed(_ date: LocalDate, at now: Date) -> Bool {
        Self.isPast(time.instant(on: date, at: reportDeadline), at: now)
    }

    /// Whether `instant` has passed at `now`, to the whole second, as every time is shown: 18:00:00.5 was late
    /// while its receipt said 18:00:00. The rule for the report deadline and a reopening's `until` alike.
    static func isPast(_ instant: Date, at now: Date) -> Bool {
        now.timeIntervalSince1970.rounded(.down) > instant.timeIntervalSince1970
    }

    /// The day `date` settles: the last on which its reporters may still submit for it. Its figures are judged by
    /// the roster as it stood then (`CampaignState.rosterTargets(for:rules:)`).
    public func settlement(of date: LocalDate) -> LocalDate { date.adding(days: lateWindowDays) }

    /// The first day not settled at `now`: reporters may still submit for it and every later day.
    public func firstOpenDay(at now: Date) -> LocalDate { time.localDate(of: now).adding(days: -lateWindowDays) }
}
