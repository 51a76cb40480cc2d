import Foundation

/// What a migration file holds: reference data to add or replace, by id.
public struct MigrationBody: Codable, Sendable, Equatable {
    public var description: String?
    public var units: [Unit]?
    public var paths: [HeatingPath]?
    public var seasons: [Season]?
    public var villages: [Village]?

    /// The keys a migration file may have (its top level is checked against them: a misspelt key applied nothing).
    enum CodingKeys: String, CodingKey, CaseIterable { case description, units, paths, seasons, villages }
}

/// Every change the campaign's state can undergo; each is one WAL record.
public enum CampaignChange: Codable, Sendable, Equatable {
    case migrationApplied(id: String, checksum: String, at: Date, body: MigrationBody)
    case tokenIssued(TokenRecord)
    case tokenRevoked(id: String, at: Date)
    case villagesSaved([Village])
    case reportSubmitted(unit: String, date: LocalDate, status: Timeliness, revision: ReportRevision)
    case reviewSet(unit: String, date: LocalDate, review: Review)
    case reportReopened(unit: String, date: LocalDate, reopening: Reopening)
    case exemptionAdded(Exemption)
    case exemptionRemoved(id: String)
    case taskSaved(DutyTask)
    /// One update of a task, without the task: logging the whole task each time made its records grow with its
    /// history (the hundredth update logged the ninety-nine before it).
    case taskUpdated(id: String, update: DutyTask.Update, doneOn: LocalDate?)
    case taskRemoved(id: String)
}

/// A change and its audit entry, logged together so that neither can exist without the other.
public struct LoggedChange: Codable, Sendable, Equatable {
    public var change: CampaignChange
    public var audit: AuditEntry?

    public init(_ change: CampaignChange, audit: AuditEntry?) {
        self.change = change
        self.audit = audit
    }
}
