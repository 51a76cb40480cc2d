import Foundation

/// The leading-group office's daily bulletin (每日通报) for one date (API.md, Daily bulletin; docs/bulletin.md).
public struct Bulletin: Encodable, Sendable {
    public struct Submission: Encodable, Sendable {
        public struct Group: Encodable, Sendable {
            public var count: Int
            public var units: [UnitRef]
        }
        public var expected: Group
        public var onTime: Group
        public var late: Group
        public var missing: Group
        public var exempt: Group
    }

    public struct PathLine: Encodable, Sendable {
        public var path: String
        public var name: String
        public var figures: ProgressFigures

        public func encode(to encoder: any Encoder) throws {
            try figures.encode(to: encoder)
            var container = encoder.container(keyedBy: AnyCodingKey.self)
            try container.encode(path, forKey: AnyCodingKey("path"))
            try container.encode(name, forKey: AnyCodingKey("name"))
        }
    }

    public struct UnitLine: Encodable, Sendable {
        public var unit: String
        public var name: String
        /// `on_time`, `late`, `missing` or `exempt`.
        public var status: String
        public var rank: Int
        /// The counts are carried forward from `lastReportDate` because this day's report is missing.
        public var stale: Bool
        public var lastReportDate: LocalDate?
        public var figures: ProgressFigures
        /// The day's report's `correction`, why its figures went down (or changed): the chat shows it beside them.
        public var correction: Correction?
        /// The office's review of the day (存疑, 退回, …); nil without a report.
        public var review: ReviewLine?

        public struct Correction: Encodable, Sendable {
            public var text: String
            /// The revision that gave it; `latest`: whether that is the day's latest revision.
            public var revision: Int
            public var latest: Bool

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: AnyCodingKey.self)
                try container.encode(revision, forKey: AnyCodingKey("revision"))
                try container.encode(text, forKey: AnyCodingKey("text"))
            }

            /// As the chat and the CSV say it: an earlier revision's reason names that revision.
            var labelled: String { latest ? text : "第\(revision)版：\(text)" }
        }

        public struct ReviewLine: Encodable, Sendable {
            public var state: Review.State
            public var note: String?

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: AnyCodingKey.self)
                try container.encode(note, forKey: AnyCodingKey("note"))
                try container.encode(state.rawValue, forKey: AnyCodingKey("state"))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            try figures.encode(to: encoder)
            var container = encoder.container(keyedBy: AnyCodingKey.self)
            try container.encode(correction, forKey: AnyCodingKey("correction"))
            try container.encode(review, forKey: AnyCodingKey("review"))
            try container.encode(unit, forKey: AnyCodingKey("unit"))
            try container.encode(name, forKey: AnyCodingKey("name"))
            try container.encode(status, forKey: AnyCodingKey("status"))
            try container.encode(rank, forKey: AnyCodingKey("rank"))
            try container.encode(stale, forKey: AnyCodingKey("stale"))
            try container.encode(lastReportDate, forKey: AnyCodingKey("lastReportDate"))
        }
    }

    public struct UnitIssues: Encodable, Sendable {
        public var unit: String
        public var name: String
        public var issues: [String]
    }

    public struct SubsidyLine: Encodable, Sendable {
        public var path: String
        public var name: String
        public var acceptedHouseholds: Int
        /// Yuan; nil where the standard is not set.
        public var central: Int?
        public var city: Int?

        enum CodingKeys: String, CodingKey { case path, name, acceptedHouseholds, central, city }

        /// Unset standards are `null`, not left out (API.md, subsidies).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(name, forKey: .name)
            try container.encode(acceptedHouseholds, forKey: .acceptedHouseholds)
            try container.encode(central, forKey: .central)
            try container.encode(city, forKey: .city)
        }
    }

    public struct Subsidies: Encodable, Sendable {
        public var byPath: [SubsidyLine]
        /// Sums of the amounts that are set.
        public var centralTotal: Int
        public var cityTotal: Int
        /// Paths with accepted households whose standard is not set, so the totals leave them out.
        public var unsetPaths: [String]
    }

    public var date: LocalDate
    public var season: String?
    public var deadline: Date
    public var generatedAt: Date
    public var submission: Submission
    public var district: ProgressFigures
    public var byPath: [PathLine]
    public var byUnit: [UnitLine]
    public var issues: [UnitIssues]
    public var subsidies: Subsidies
    /// Whether the day's deadline had passed when the bulletin was computed (the rule of the cache key, to the
    /// second): the text says 未报 after it and 尚未报送 before. Not in the JSON.
    public var deadlinePassed: Bool

    enum CodingKeys: String, CodingKey {
        case date, season, deadline, generatedAt, submission, district, byPath, byUnit, issues, subsidies
    }
}

struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
