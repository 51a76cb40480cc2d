import Foundation

/// One village's path as a unit reports it.
public struct VillageProgress: Codable, Sendable, Equatable {
    public var village: String
    public var path: String
    public var counts: Funnel

    public init(village: String, path: String, counts: Funnel) {
        self.village = village
        self.path = path
        self.counts = counts
    }

    public var key: ProgressKey { ProgressKey(village: village, path: path) }

    enum CodingKeys: String, CodingKey { case village, path, confirmed, signed, installed, accepted, operating }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        village = try c.decode(String.self, forKey: .village)
        path = try c.decode(String.self, forKey: .path)
        counts = Funnel(confirmed: try c.decode(Int.self, forKey: .confirmed),
                        signed: try c.decode(Int.self, forKey: .signed),
                        installed: try c.decode(Int.self, forKey: .installed),
                        accepted: try c.decode(Int.self, forKey: .accepted),
                        operating: try c.decode(Int.self, forKey: .operating))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(village, forKey: .village)
        try c.encode(path, forKey: .path)
        try c.encode(counts.confirmed, forKey: .confirmed)
        try c.encode(counts.signed, forKey: .signed)
        try c.encode(counts.installed, forKey: .installed)
        try c.encode(counts.accepted, forKey: .accepted)
        try c.encode(counts.operating, forKey: .operating)
    }
}

/// Cumulative fuel handed out this season, in tonnes.
public struct FuelDelivered: Codable, Sendable, Equatable {
    public var cleanCoalTons: Double
    public var biomassTons: Double

    public init(cleanCoalTons: Double = 0, biomassTons: Double = 0) {
        self.cleanCoalTons = cleanCoalTons
        self.biomassTons = biomassTons
    }
}

public struct ReporterContact: Codable, Sendable, Equatable {
    public var name: String
    public var phone: String?

    public init(name: String, phone: String?) {
        self.name = name
        self.phone = phone
    }
}

/// The body of a 6 PM report, already decoded and typed (the API names fields that fail to decode).
public struct ReportSubmission: Codable, Sendable, Equatable {
    public var date: LocalDate?
    public var unit: String?
    public var villages: [VillageProgress]
    public var fuel: FuelDelivered?
    /// Nil when the body leaves `issues` out: the day's problems stay as its latest revision listed them (an
    /// office correction of the figures erased them). An empty list clears them.
    public var issues: [String]?
    public var nextDayPlan: String?
    public var reporter: ReporterContact?
    public var correction: String?

    public init(date: LocalDate? = nil, unit: String? = nil, villages: [VillageProgress] = [],
                fuel: FuelDelivered? = nil, issues: [String]? = nil, nextDayPlan: String? = nil,
                reporter: ReporterContact? = nil, correction: String? = nil) {
        self.date = date
        self.unit = unit
        self.villages = villages
        self.fuel = fuel
        self.issues = issues
        self.nextDayPlan = nextDayPlan
        self.reporter = reporter
        self.correction = correction
    }
}
