/// Roster targets summed by unit and path, and by path.
struct RosterTargets: Sendable, Equatable, Codable {
    var byUnitAndPath: [String: [String: Int]] = [:]
    var byPath: [String: Int] = [:]

    init() {}

    init(byUnitAndPath: [String: [String: Int]]) {
        self.byUnitAndPath = byUnitAndPath
        for paths in byUnitAndPath.values {
            for (path, households) in paths { byPath[path, default: 0] += households }
        }
    }

    /// Adds (`sign` 1) or removes (`sign` -1) one village's targets.
    mutating func add(_ village: Village, sign: Int) {
        for (path, households) in village.targets {
            byUnitAndPath[village.unit, default: [:]][path, default: 0] += sign * households
            byPath[path, default: 0] += sign * households
        }
    }

    // The file holds the sums by unit and path only; by path is derived.
    private enum CodingKeys: String, CodingKey { case byUnitAndPath }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(byUnitAndPath: try container.decode([String: [String: Int]].self, forKey: .byUnitAndPath))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(byUnitAndPath, forKey: .byUnitAndPath)
    }
}

/// The roster's targets as they stood at the end of each district day on which they changed: a past day's
/// bulletin and a past week's lagging are judged by the roster of that day, so that a village registered (or a
/// target corrected) later does not rewrite what was sent and published.
struct RosterHistory: Sendable, Equatable, Codable {
    /// Before any dated change: the villages migrations register (the plan's own, true from the start), and the
    /// whole roster of a data folder written before the roster kept its history.
    private(set) var base = RosterTargets()
    /// Ascending by date, one per day the roster changed: the roster at the end of that day.
    private(set) var days: [Day] = []

    /// Each village's first registration on a known day, with the targets it had then: a late report may name a
    /// village registered after the day it reports on, and that day's roster then counts it (`CampaignState.rosterTargets(on:)`).
    private(set) var firstRegistrations: [String: Registration] = [:]

    struct Day: Sendable, Equatable, Codable {
        var date: LocalDate
        var targets: RosterTargets
    }

    struct Registration: Sendable, Equatable, Codable {
        var date: LocalDate
        var village: Village
    }

    init() {}

    /// A roster whose history is unknown: the whole of it counts from the start.
    init(undated targets: RosterTargets) { base = targets }

    var current: RosterTargets { days.last?.targets ?? base }

    /// The roster at the end of `date`.
    func asOf(_ date: LocalDate) -> RosterTargets {
        let later = firstDay(onOrAfter: date.adding(days: 1))
        return later == 0 ? base : days[later - 1].targets
    }

    /// Registers `village` (replacing `old`, its earlier version) from `date` on; nil: from the start.
    mutating func save(_ village: Village, replacing old: Village?, on date: LocalDate?) {
        if let old { add(old, sign: -1, on: date) }
        add(village, sign: 1, on: date)
        if old == nil, let date { firstRegistrations[village.id] = Registration(date: date, village: village) }
    }

    /// Adds or removes a village's targets from `date` on (from the start when `date` is nil). A date earlier than
    /// the last change (the test clock set back) changes every later day too.
    private mutating func add(_ village: Village, sign: Int, on date: LocalDate?) {
        guard let date else {
            base.add(village, sign: sign)
            for index in days.indices { days[index].targets.add(village, sign: sign) }
            return
        }
        let index = firstDay(onOrAfter: date)
        if index == days.count || days[index].date != date {
            days.insert(Day(date: date, targets: index == 0 ? base : days[index - 1].targets), at: index)
        }
        for later in index..<days.count { days[later].targets.add(village, sign: sign) }
    }

    /// The index of the first day at or after `date` (binary search; `days.count` when none).
    private func firstDay(onOrAfter date: LocalDate) -> Int {
        var low = 0, high = days.count
        while low < high {
            let middle = (low + high) / 2
            if days[middle].date < date { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
