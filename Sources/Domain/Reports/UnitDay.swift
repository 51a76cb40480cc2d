import Foundation

public enum Timeliness: String, Codable, Sendable {
    case onTime = "on_time"
    case late
}

/// A plausibility rule that flagged a report without blocking it.
public struct ReportWarning: Codable, Sendable, Equatable {
    public var rule: String
    public var message: String

    public init(rule: String, message: String) {
        self.rule = rule
        self.message = message
    }
}

/// One stored revision of a unit's report for a day.
public struct ReportRevision: Codable, Sendable, Equatable {
    public var revision: Int
    public var submittedAt: Date
    public var submittedBy: String
    public var villages: [VillageProgress]
    public var fuel: FuelDelivered?
    public var issues: [String]
    public var nextDayPlan: String?
    public var reporter: ReporterContact?
    public var correction: String?
    public var warnings: [ReportWarning]

    /// True when `submission` says exactly what this revision said (a retried POST).
    func sameContent(as submission: ReportSubmission) -> Bool {
        villages == submission.villages && fuel == submission.fuel && issues == submission.issues
            && nextDayPlan == submission.nextDayPlan && reporter == submission.reporter
            && correction == submission.correction
    }
}

/// The office's review of a unit's day.
public struct Review: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable, CaseIterable {
        case received, questioned, returned, confirmed
    }

    public var state: State
    public var note: String?
    public var by: String?
    public var at: Date?

    public static let received = Review(state: .received, note: nil, by: nil, at: nil)
}

/// The office's permission for one unit to report a closed date until a given instant.
public struct Reopening: Codable, Sendable, Equatable {
    public var until: Date
    public var reason: String
    public var by: String
    public var at: Date
}

/// Everything a unit sent for one date.
public struct UnitDay: Codable, Sendable, Equatable {
    public var unit: String
    public var date: LocalDate
    /// Timeliness of the first revision; later revisions never change it.
    public var status: Timeliness
    public var revisions: [ReportRevision]
    public var review: Review

    public var latest: ReportRevision? { revisions.last }
    public var firstSubmittedAt: Date? { revisions.first?.submittedAt }
}
