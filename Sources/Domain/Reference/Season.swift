/// A heating season's plan: its dates, the units it names, and its targets as the document states them.
public struct Season: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    /// The plan's date: reports are taken from here.
    public var start: LocalDate
    /// Retrofit completion deadline (config may override).
    public var deadline: LocalDate
    /// Last day reports are taken (config may override): the end of the heating season.
    public var reportingEnd: LocalDate
    /// The reporting units the plan names, in the plan's order.
    public var reportingUnits: [String]
    public var targets: [PlanTarget]

    public init(id: String, title: String, start: LocalDate, deadline: LocalDate, reportingEnd: LocalDate,
                reportingUnits: [String], targets: [PlanTarget]) {
        self.id = id
        self.title = title
        self.start = start
        self.deadline = deadline
        self.reportingEnd = reportingEnd
        self.reportingUnits = reportingUnits
        self.targets = targets
    }

    public func contains(_ date: LocalDate) -> Bool { date >= start && date <= reportingEnd }

    /// Whether a path's households count toward completion: the paths the plan sets households for. Clean coal
    /// (清洁煤过渡) has none: it covers whom the retrofit misses, is no retrofit, and is not in the plan's total.
    public func countsTowardCompletion(_ path: String) -> Bool {
        targets.contains { $0.path == path && $0.households != nil } || !targets.contains { $0.households != nil }
    }
}

/// One line of the plan's section 三(一): a path in an area, the units and places it names, and households.
public struct PlanTarget: Codable, Sendable, Equatable {
    public struct Place: Codable, Sendable, Equatable {
        public var unit: String
        public var name: String
        public var households: Int
    }

    public var path: String
    /// `urban` 建成区 or `rural` 农村地区.
    public var area: String
    public var units: [String]
    /// Villages (or areas) the plan counts for this line; nil where it gives no number.
    public var villageCount: Int?
    /// Households the plan sets; nil where it sets none (clean coal covers whoever the others miss).
    public var households: Int?
    /// Places the plan names one by one, with households, where it does.
    public var places: [Place]
    public var note: String?
}
