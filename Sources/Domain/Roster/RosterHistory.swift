/// Roster targets summed by unit and path, and by path.
struct RosterTargets: Sendable, Equatable {
    var byUnitAndPath: [String: [String: Int]] = [:]
    var byPath: [String: Int] = [:]

    /// Adds (`sign` 1) or removes (`sign` -1) one village's targets. A sum back at 0 is dropped, so that sums kept
    /// up to date and sums added up afresh are equal.
    mutating func add(_ village: Village, sign: Int) {
        for (path, households) in village.targets {
            var unit = byUnitAndPath[village.unit] ?? [:]
            let unitTotal = (unit[path] ?? 0) + sign * households
            unit[path] = unitTotal == 0 ? nil : unitTotal
            byUnitAndPath[village.unit] = unit.isEmpty ? nil : unit
            let pathTotal = (byPath[path] ?? 0) + sign * households
            byPath[path] = pathTotal == 0 ? nil : pathTotal
        }
    }
}

/// Each village as it stood from each district day on which it was saved: a past day's bulletin and a past
/// week's lagging are judged by the roster of that day, so that a village registered or a target corrected later
/// does not rewrite what was sent and published.
struct RosterHistory: Sendable, Equatable {
    /// By village id, oldest first; at most one version per day (the day's last save), and the last is the village
    /// as it is now.
    private(set) var versions: [String: [Version]] = [:]
    /// The roster as it is now (every village's last version), kept up to date: what a day on or after `latestDay`
    /// is judged by, without walking every village (today's bulletin, a province's 30,000 villages).
    private(set) var current = RosterTargets()
    /// No version counts from a later day than this (nil: none is dated). Set back only by a new load.
    private(set) var latestDay: LocalDate?

    struct Version: Sendable, Equatable, Codable {
        /// The district day from which it counts; nil: from the start (a migration's village, the plan's own, and
        /// every village of a data folder written before the roster kept its history).
        var from: LocalDate?
        var village: Village
    }

    init() {}

    /// Villages whose history is unknown: each counts from the start.
    init(undated villages: some Sequence<Village>) {
        self.init(versions: Dictionary(uniqueKeysWithValues: villages.map { ($0.id, [Version(from: nil, village: $0)]) }))
    }

    init(versions: [String: [Version]]) {
        self.versions = versions
        for list in versions.values {
            if let last = list.last { current.add(last.village, sign: 1) }
            for version in list { latestDay = Self.later(latestDay, version.from) }
        }
    }

    /// Equal when their versions are: the rest is derived.
    static func == (a: RosterHistory, b: RosterHistory) -> Bool { a.versions == b.versions }

    /// Saves `village` as it is from `date` on (nil: from the start). A save replaces any version from that day or
    /// later: the latest word on a village holds from its day on (also when the test clock was set back).
    mutating func save(_ village: Village, on date: LocalDate?) {
        if let now = versions[village.id]?.last { current.add(now.village, sign: -1) }
        current.add(village, sign: 1)
        guard let date else {
            versions[village.id] = [Version(from: nil, village: village)]
            return
        }
        var list = versions[village.id] ?? []
        list.removeAll { $0.from.map { $0 >= date } ?? false }
        list.append(Version(from: date, village: village))
        versions[village.id] = list
        latestDay = Self.later(latestDay, date)
    }

    private static func later(_ a: LocalDate?, _ b: LocalDate?) -> LocalDate? {
        guard let a, let b else { return a ?? b }
        return max(a, b)
    }

    /// Where in `list` the version standing at the end of `date` is; nil when not registered yet.
    static func index(in list: [Version], asOf date: LocalDate) -> Int? {
        list.lastIndex { $0.from.map { $0 <= date } ?? true }
    }

    /// The village as it stood at the end of `date`; nil when not registered yet.
    static func village(in list: [Version], asOf date: LocalDate) -> Village? {
        index(in: list, asOf: date).map { list[$0].village }
    }

    /// A village a unit reported for a day that settled before its registration (a date the office reopened, an
    /// office's correction), as that day counts it: as first registered, under that unit (else its households would
    /// count against no target).
    static func firstRegistered(in list: [Version], reportedBy unit: String) -> Village? {
        guard var first = list.first?.village else { return nil }
        first.unit = unit
        return first
    }

    /// The versions a unit's counts for a day that settled on `settled` are judged by: the village as the day
    /// settled (`firstRegistered` when it came later), and every version after it up to the one standing at
    /// `through`, the settling of the last day the counts carry into (nil: up to the village as it is).
    func versions(of id: String, settledOn settled: LocalDate, through: LocalDate?, reportedBy unit: String) -> [Village] {
        guard let list = versions[id], let firstRegistered = Self.firstRegistered(in: list, reportedBy: unit) else { return [] }
        let last = through.map { Self.index(in: list, asOf: $0) } ?? list.count - 1
        guard let first = Self.index(in: list, asOf: settled) else {
            return [firstRegistered] + (last.map { list[...$0].map(\.village) } ?? [])
        }
        return list[first...max(first, last ?? first)].map(\.village)
    }
}

extension CampaignState {
    /// The roster a day's figures are judged by: as it stood when the day settled, at the end of its late window
    /// (`CampaignRules.settlement(of:)`). Until then late reports for the day come in, checked against the roster as
    /// it is when they come: a village moved or a target raised meanwhile counts for the day as it counts for them.
    /// After it, the day stays as it was: a village registered or a target corrected in November does not rewrite
    /// October. A village a unit reported for the day but registered only after it settled comes in as
    /// `RosterHistory.firstRegistered`; under each such unit, so that the answer does not hang on which is met first.
    func rosterTargets(for date: LocalDate, rules: CampaignRules) -> RosterTargets {
        let settled = rules.settlement(of: date)
        // Every village's last version counts from `settled` or before: the roster is today's, and none is late.
        if rosterHistory.latestDay.map({ $0 <= settled }) ?? true { return rosterHistory.current }
        var roster = RosterTargets()
        for list in rosterHistory.versions.values {
            if let village = RosterHistory.village(in: list, asOf: settled) { roster.add(village, sign: 1) }
        }
        for (unit, timeline) in timelines {
            let reported = Set(timeline.effective(onOrBefore: date)?.counts.keys.map(\.village) ?? [])
            for id in reported {
                guard let list = rosterHistory.versions[id], RosterHistory.village(in: list, asOf: settled) == nil,
                      let first = RosterHistory.firstRegistered(in: list, reportedBy: unit) else { continue }
                roster.add(first, sign: 1)
            }
        }
        return roster
    }
}
