/// One of the plan's seven retrofit paths (改造路径) with its subsidy standard (方案 三(三)).
public struct HeatingPath: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var subsidy: Subsidy

    public init(id: String, name: String, subsidy: Subsidy) {
        self.id = id
        self.name = name
        self.subsidy = subsidy
    }
}

public struct Subsidy: Codable, Sendable, Equatable {
    public struct Component: Codable, Sendable, Equatable {
        public var name: String
        public var amount: Int
    }

    /// Yuan per household from central funds; nil where the plan defers to another standard.
    public var centralPerHousehold: Int?
    /// Yuan per household from the city (保温窗帘 200 元/户 where the plan grants it).
    public var cityPerHousehold: Int?
    public var components: [Component]
    public var note: String?
    /// Clean coal only: the most tonnes subsidised per household and year (方案 三(三)7).
    public var capTonsPerHouseholdPerYear: Double?

    public init(centralPerHousehold: Int?, cityPerHousehold: Int?, components: [Component] = [],
                note: String? = nil, capTonsPerHouseholdPerYear: Double? = nil) {
        self.centralPerHousehold = centralPerHousehold
        self.cityPerHousehold = cityPerHousehold
        self.components = components
        self.note = note
        self.capTonsPerHouseholdPerYear = capTonsPerHouseholdPerYear
    }

    enum CodingKeys: String, CodingKey {
        case centralPerHousehold, cityPerHousehold, components, note, capTonsPerHouseholdPerYear
    }

    /// Amounts the plan leaves to another standard are written as `null`, never left out (API.md, paths).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(centralPerHousehold, forKey: .centralPerHousehold)
        try container.encode(cityPerHousehold, forKey: .cityPerHousehold)
        try container.encode(components, forKey: .components)
        try container.encodeIfPresent(note, forKey: .note)
        try container.encodeIfPresent(capTonsPerHouseholdPerYear, forKey: .capTonsPerHouseholdPerYear)
    }
}

/// The path ids the contract fixes.
public enum PathID {
    public static let chp = "chp"
    public static let distributedElectric = "distributed_electric"
    public static let householdElectric = "household_electric"
    public static let solarPlus = "solar_plus"
    public static let gas = "gas"
    public static let biomass = "biomass"
    public static let cleanCoal = "clean_coal"
}
