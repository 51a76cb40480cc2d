/// The plan's targets as the document states them beside the roster's totals (确村确户 progress).
public struct PlanProgress: Encodable, Sendable {
    public struct Line: Encodable, Sendable {
        public var path: String
        public var pathName: String
        public var area: String
        public var units: [UnitRef]
        public var places: [PlanTarget.Place]
        public var villageCount: Int?
        public var households: Int?
        public var note: String?
        public var roster: Totals
        /// Plan minus roster; nil where the plan sets no number.
        public var gap: Totals?

        enum CodingKeys: String, CodingKey { case path, pathName, area, units, places, villageCount, households, note, roster, gap }

        /// A number the plan does not set is `null`, not left out (clean coal's line had no `households` at all).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(pathName, forKey: .pathName)
            try container.encode(area, forKey: .area)
            try container.encode(units, forKey: .units)
            try container.encode(places, forKey: .places)
            try container.encode(villageCount, forKey: .villageCount)
            try container.encode(households, forKey: .households)
            try container.encodeIfPresent(note, forKey: .note)
            try container.encode(roster, forKey: .roster)
            try container.encode(gap, forKey: .gap)
        }
    }

    public struct Totals: Encodable, Sendable, Equatable {
        public var villages: Int?
        public var households: Int

        enum CodingKeys: String, CodingKey { case villages, households }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(villages, forKey: .villages)
            try container.encode(households, forKey: .households)
        }
    }

    public struct UnitRef: Encodable, Sendable, Equatable {
        public var id: String
        public var name: String
    }

    public var season: String
    public var title: String
    public var start: LocalDate
    public var deadline: LocalDate
    public var reportingEnd: LocalDate
    public var reportingUnits: [UnitRef]
    public var targets: [Line]
    public var plannedHouseholds: Int
    public var rosterHouseholds: Int
    public var rosterVillages: Int

    public init(season: Season, state: CampaignState) {
        let names = Dictionary(state.units.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func ref(_ id: String) -> UnitRef { UnitRef(id: id, name: names[id] ?? id) }
        self.season = season.id
        self.title = season.title
        self.start = season.start
        self.deadline = season.deadline
        self.reportingEnd = season.reportingEnd
        self.reportingUnits = season.reportingUnits.map(ref)
        let villages = Array(state.villages.values)
        self.targets = season.targets.map { target in
            let matching = villages.filter { $0.area == target.area && ($0.targets[target.path] ?? 0) > 0 }
            let roster = Totals(villages: matching.count,
                                households: matching.reduce(0) { $0 + ($1.targets[target.path] ?? 0) })
            let gap = target.households.map { households in
                Totals(villages: target.villageCount.map { $0 - matching.count }, households: households - roster.households)
            }
            return Line(path: target.path, pathName: state.path(target.path)?.name ?? target.path, area: target.area,
                        units: target.units.map(ref), places: target.places, villageCount: target.villageCount,
                        households: target.households, note: target.note, roster: roster, gap: gap)
        }
        self.plannedHouseholds = season.targets.reduce(0) { $0 + ($1.households ?? 0) }
        // Beside the plan's total, on the same paths: clean coal is in neither (docs/bulletin.md), and a village
        // with no retrofit household is no retrofit village.
        let retrofit = villages.map { $0.targets.filter { season.countsTowardCompletion($0.key) }.values.reduce(0, +) }
        self.rosterHouseholds = retrofit.reduce(0, +)
        self.rosterVillages = retrofit.count { $0 > 0 }
    }
}
