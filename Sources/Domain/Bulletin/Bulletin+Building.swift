import Foundation

extension Bulletin {
    /// Computes the bulletin from the state. `paths` carry config's subsidy amounts; `season` its dates.
    init(date: LocalDate, state: CampaignState, season: Season?, paths: [HeatingPath], rules: CampaignRules, generatedAt: Date) {
        self.date = date
        self.season = season?.id
        self.deadline = rules.time.instant(on: date, at: rules.reportDeadline)
        self.generatedAt = generatedAt
        self.deadlinePassed = rules.deadlinePassed(date, at: generatedAt)
        let units = DayStatus.reportingUnits(of: season, state: state)
        let due = rules.isReportingDay(date, in: state)
        let statuses = units.map { DayStatus(unit: $0, date: date, state: state, due: due) }
        self.submission = Submission(statuses)

        let rosterByUnit = state.rosterTargets(for: date, rules: rules)
        // District and unit completion count the plan's retrofit paths only; byPath shows all.
        let scope = CompletionScope(season: season, in: state)
        var todayByPath: [String: Funnel] = [:], yesterdayByPath: [String: Funnel] = [:]
        var lines: [UnitLine] = []
        for status in statuses {
            let timeline = state.timelines[status.unit.id]
            let today = timeline?.effective(onOrBefore: date)
            let yesterday = timeline?.effective(onOrBefore: date.adding(days: -1))
            for (key, counts) in today?.counts ?? [:] { todayByPath[key.path, default: .zero] += counts }
            for (key, counts) in yesterday?.counts ?? [:] { yesterdayByPath[key.path, default: .zero] += counts }
            let total = scope.total(today?.counts)
            let before = scope.total(yesterday?.counts)
            let target = scope.target(of: status.unit.id, in: rosterByUnit)
            lines.append(UnitLine(unit: status.unit.id, name: status.unit.name, status: status.code, rank: 0,
                                  stale: status.day == nil && today != nil, lastReportDate: today?.date,
                                  figures: ProgressFigures(planTarget: target, rosterTarget: target, today: total, yesterday: before),
                                  correction: status.day.flatMap(Self.correction(of:)),
                                  review: status.day.map(Self.review(of:))))
        }
        self.byUnit = Self.ranked(lines)

        let planByPath = Dictionary(grouping: season?.targets ?? [], by: \.path)
            .mapValues { targets in targets.contains { $0.households != nil } ? targets.compactMap(\.households).reduce(0, +) : nil }
        self.byPath = paths.map { path in
            PathLine(path: path.id, name: path.name,
                     figures: ProgressFigures(planTarget: planByPath[path.id] ?? nil, rosterTarget: rosterByUnit.byPath[path.id] ?? 0,
                                              today: todayByPath[path.id] ?? .zero, yesterday: yesterdayByPath[path.id] ?? .zero))
        }
        let plannedTotal = season.map { $0.targets.compactMap(\.households).reduce(0, +) }
        func sum<Value>(_ byPath: [String: Value], _ zero: Value, _ add: (Value, Value) -> Value) -> Value {
            byPath.reduce(zero) { scope.counts($1.key) ? add($0, $1.value) : $0 }
        }
        self.district = ProgressFigures(planTarget: plannedTotal, rosterTarget: sum(rosterByUnit.byPath, 0, +),
                                        today: sum(todayByPath, .zero, +), yesterday: sum(yesterdayByPath, .zero, +))
        self.issues = statuses.compactMap { status in
            guard let issues = status.day?.latest?.issues, !issues.isEmpty else { return nil }
            return UnitIssues(unit: status.unit.id, name: status.unit.name, issues: issues)
        }
        self.subsidies = Self.subsidies(paths: paths, accepted: todayByPath.mapValues(\.accepted))
    }

    /// The day's latest reason given, and which revision gave it when a later one (another village's figures) gave
    /// none: the drop it explains still shows, but "核实为80户" beside a later 84 must read as an earlier version's.
    static func correction(of day: UnitDay) -> UnitLine.Correction? {
        guard let given = day.revisions.last(where: { Campaign.hasVisibleText($0.correction) }), let text = given.correction else { return nil }
        return UnitLine.Correction(text: text, revision: given.revision, latest: given.revision == day.latest?.revision)
    }

    /// The office's review as it bears on the day's figures now: one made before the latest revision (存疑 of figures
    /// since replaced, 已确认 of figures it never saw) no longer does, and the day reads as received.
    static func review(of day: UnitDay) -> UnitLine.ReviewLine {
        let review = day.review
        let concernsTheLatest = review.revision.map { $0 == day.latest?.revision }
            ?? review.at.map { at in day.latest.map { $0.submittedAt <= at } ?? true } ?? true
        if !concernsTheLatest { return UnitLine.ReviewLine(state: .received, note: nil) }
        return UnitLine.ReviewLine(state: review.state, note: review.note)
    }

    /// Competition ranking by completion rate, highest first: equal rates share a rank ("1224"). The unrounded
    /// rate decides: ranked by the four-decimal one, 247/2000 and 2469/20000 shared a rank while the text printed
    /// 12.4 % and 12.3 %.
    static func ranked(_ lines: [UnitLine]) -> [UnitLine] {
        let sorted = lines.enumerated().sorted { a, b in
            a.element.figures.exactRate != b.element.figures.exactRate
                ? a.element.figures.exactRate > b.element.figures.exactRate : a.offset < b.offset
        }.map(\.element)
        var ranked: [UnitLine] = []
        for (index, var line) in sorted.enumerated() {
            if let previous = ranked.last, previous.figures.exactRate == line.figures.exactRate {
                line.rank = previous.rank
            } else {
                line.rank = index + 1
            }
            ranked.append(line)
        }
        return ranked
    }

    static func subsidies(paths: [HeatingPath], accepted: [String: Int]) -> Subsidies {
        let lines = paths.map { path -> SubsidyLine in
            let households = accepted[path.id] ?? 0
            return SubsidyLine(path: path.id, name: path.name, acceptedHouseholds: households,
                               central: path.subsidy.centralPerHousehold.map { $0 * households },
                               city: path.subsidy.cityPerHousehold.map { $0 * households })
        }
        return Subsidies(byPath: lines, centralTotal: lines.compactMap(\.central).reduce(0, +),
                         cityTotal: lines.compactMap(\.city).reduce(0, +),
                         unsetPaths: lines.filter { $0.acceptedHouseholds > 0 && ($0.central == nil || $0.city == nil) }.map(\.path))
    }
}

extension Bulletin.Submission {
    init(_ statuses: [DayStatus]) {
        func group(_ code: String?) -> Group {
            let units = statuses.filter { code == nil ? $0.isExpected : $0.code == code }.map { UnitRef(id: $0.unit.id, name: $0.unit.name) }
            return Group(count: units.count, units: units)
        }
        self.init(expected: group(nil), onTime: group("on_time"), late: group("late"), missing: group("missing"), exempt: group("exempt"))
    }
}

/// One reporting unit's standing for a day.
struct DayStatus {
    let unit: Unit
    let day: UnitDay?
    let exempt: Bool
    /// The day lies in the season's reporting window; outside it no report is taken, so none is missing.
    let due: Bool

    init(unit: Unit, date: LocalDate, state: CampaignState, due: Bool) {
        self.unit = unit
        self.day = state.unitDay(unit.id, date)
        self.exempt = state.isExempt(unit.id, on: date)
        self.due = due
    }

    /// An exempt unit-day is neither expected nor missing, even if the unit reported anyway; nor is a day
    /// outside the reporting window (`not_due`: every report for it is refused as `outside_season`).
    var code: String {
        if !due { return "not_due" }
        if exempt { return "exempt" }
        return day?.status.rawValue ?? "missing"
    }

    var isExpected: Bool { due && !exempt }

    /// The units the season's plan names, in the plan's order; all township units when there is no season.
    static func reportingUnits(of season: Season?, state: CampaignState) -> [Unit] {
        guard let season else { return state.reportingUnits }
        return season.reportingUnits.compactMap { state.unit($0) }
    }
}
