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
        villages == submission.villages && fuel == submission.fuel && issues == (submission.issues ?? issues)
            && nextDayPlan == submission.nextDayPlan && reporter == submission.reporter
            && correction == submission.correction
    }
}

/// The office's review of a unit's day.
public struct Review: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable, CaseIterable {
        case received, questioned, returned, confirmed

        /// As a clerk reads it in the audit trail.
        public var chinese: String {
            switch self {
            case .received: "已接收"
            case .questioned: "存疑待核"
            case .returned: "退回重报"
            case .confirmed: "已确认"
            }
        }
    }

    public var state: State
    public var note: String?
    public var by: String?
    public var at: Date?
    /// The revision it was made on: a later one is figures the office has not reviewed. Nil in data from before
    /// it was kept (then `at` against the revisions' times tells).
    public var revision: Int? = nil

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
///
/// Its fields live in one shared box: the WAL writer mutates a copy of the state that readers still share, so
/// the first report of a batch for a unit-day copies that day's 32-day block (see `DayMap`). With a box per day
/// that copy is one reference per day instead of every field of every day; the box itself is copied only when
/// a day that is shared gets changed.
public struct UnitDay: Codable, Sendable, Equatable {
    private final class Fields: @unchecked Sendable {
        // Mutated only while uniquely referenced (see `fields`), so never while another thread can see it.
        var unit: String
        var date: LocalDate
        var status: Timeliness
        var revisions: RevisionList
        var review: Review
        /// Each village's counts as the day's revisions left them, the latest report of it winning; and the fuel
        /// of the latest revision that gave any. Kept as revisions come, so no reader walks them all.
        var reported: [ProgressKey: Funnel] = [:]
        var reportedFuel: FuelDelivered?

        init(unit: String, date: LocalDate, status: Timeliness, revisions: RevisionList, review: Review) {
            self.unit = unit
            self.date = date
            self.status = status
            self.revisions = revisions
            self.review = review
            for revision in revisions { record(revision) }
        }

        func record(_ revision: ReportRevision) {
            for village in revision.villages { reported[village.key] = village.counts }
            if let fuel = revision.fuel { reportedFuel = fuel }
        }

        func copy() -> Fields {
            let copy = Fields(unit: unit, date: date, status: status, revisions: RevisionList(), review: review)
            copy.revisions = revisions
            copy.reported = reported
            copy.reportedFuel = reportedFuel
            return copy
        }
    }

    private var box: Fields

    public init(unit: String, date: LocalDate, status: Timeliness, revisions: [ReportRevision], review: Review) {
        box = Fields(unit: unit, date: date, status: status, revisions: RevisionList(revisions), review: review)
    }

    /// The box, copied first if another value shares it.
    private var fields: Fields {
        mutating get {
            if !isKnownUniquelyReferenced(&box) { box = box.copy() }
            return box
        }
    }

    public var unit: String { box.unit }
    public var date: LocalDate { box.date }
    /// Timeliness of the first revision; later revisions never change it.
    public var status: Timeliness { box.status }
    public var revisions: RevisionList { box.revisions }

    /// A new revision of the day. A village it omits keeps the counts an earlier revision gave it.
    mutating func append(_ revision: ReportRevision) {
        let fields = self.fields
        fields.revisions.append(revision)
        fields.record(revision)
    }

    /// Each village's counts as this day's revisions left them (omitted villages keep an earlier revision's).
    public var reportedCounts: [ProgressKey: Funnel] { box.reported }
    /// The fuel of the latest revision that gave any.
    public var reportedFuel: FuelDelivered? { box.reportedFuel }
    public var review: Review {
        get { box.review }
        set { fields.review = newValue }
    }

    public var latest: ReportRevision? { box.revisions.last }
    public var firstSubmittedAt: Date? { box.revisions.first?.submittedAt }

    public static func == (a: UnitDay, b: UnitDay) -> Bool {
        a.box === b.box || (a.unit == b.unit && a.date == b.date && a.status == b.status && a.revisions == b.revisions
                            && a.review == b.review)
    }

    enum CodingKeys: String, CodingKey { case unit, date, status, revisions, review }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(unit: try c.decode(String.self, forKey: .unit), date: try c.decode(LocalDate.self, forKey: .date),
                  status: try c.decode(Timeliness.self, forKey: .status),
                  revisions: try c.decode([ReportRevision].self, forKey: .revisions),
                  review: try c.decode(Review.self, forKey: .review))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(unit, forKey: .unit)
        try c.encode(date, forKey: .date)
        try c.encode(status, forKey: .status)
        try c.encode(revisions, forKey: .revisions)
        try c.encode(review, forKey: .review)
    }
}
