import Foundation
import Storage

extension CampaignState {
    public mutating func apply(_ logged: LoggedChange) throws {
        version += 1
        switch logged.change {
        case let .migrationApplied(id, checksum, at, body):
            applyReferenceData(body)
            appliedMigrations.append(AppliedMigration(id: id, checksum: checksum, appliedAt: at))
        case let .tokenIssued(record):
            tokens[record.id] = record
            tokenIDBySecretHash[record.secretHash] = record.id
        case let .tokenRevoked(id, at):
            if let record = tokens[id] {
                tokens[id]?.revokedAt = at
                tokenIDBySecretHash[record.secretHash] = nil
            }
        case let .villagesSaved(saved):
            // From the district day it was saved on (its audit entry's): earlier days keep the roster they had.
            for village in saved { save(village, on: logged.audit?.date) }
        case let .reportSubmitted(unit, date, status, revision):
            // Mutated in place, not copied out and back: a copy of a unit's days per report was quadratic. And looked
            // up once: each `unitDays[unit]?[date]` hashed the unit and the date again, four times per report.
            let index = Self.add(revision, status: status, unit: unit, date: date, to: &unitDays[unit, default: DayMap()][date])
            reportLedger.append(RevisionPosition(unit: unit, date: date, index: index))
            timelines[unit, default: UnitTimeline()].rebuild(from: date, unitDays: unitDays[unit] ?? DayMap())
        case let .reviewSet(unit, date, review):
            unitDays[unit]?[date]?.review = review
        case let .reportReopened(unit, date, reopening):
            reopenings[unit, default: [:]][date] = reopening
        case let .exemptionAdded(exemption):
            exemptions[exemption.id] = exemption
        case let .exemptionRemoved(id):
            exemptions[id] = nil
        case let .taskSaved(task):
            tasks[task.id] = task
        case let .taskUpdated(id, update, doneOn):
            guard tasks[id] != nil else { throw DomainError(.notFound, "没有编号为 \(echo: id) 的任务") }
            tasks[id]?.record(update, doneOn: doneOn) // in place: the history is not copied
        case let .taskRemoved(id):
            tasks[id] = nil
        }
        if let entry = logged.audit { record(entry) }
    }

    /// Adds a stored revision to its unit-day, or begins the day with it; returns its index among the day's revisions.
    private static func add(_ revision: ReportRevision, status: Timeliness, unit: String, date: LocalDate,
                            to day: inout UnitDay?) -> Int {
        guard let index = day?.revisions.count, index > 0 else {
            day = UnitDay(unit: unit, date: date, status: status, revisions: [revision], review: .received)
            return 0
        }
        day!.append(revision)
        // A returned report goes back to `received` once the unit resubmits (API.md, review).
        if day!.review.state == .returned { day!.review = .received }
        return index
    }

    mutating func record(_ entry: AuditEntry) {
        auditLedger.append(AuditPosition(date: entry.date, index: audit[entry.date]?.count ?? 0))
        audit[entry.date, default: AuditDay()].append(entry)
    }

    /// Migrations add or replace reference data by id, keeping the order first seen.
    private mutating func applyReferenceData(_ body: MigrationBody) {
        for unit in body.units ?? [] { upsert(&units, unit, id: \.id) }
        for path in body.paths ?? [] { upsert(&paths, path, id: \.id) }
        for season in body.seasons ?? [] { upsert(&seasons, season, id: \.id) }
        for village in body.villages ?? [] { save(village, on: nil) } // the plan's own: true from the start
    }

    private func upsert<T>(_ list: inout [T], _ item: T, id: KeyPath<T, String>) {
        if let index = list.firstIndex(where: { $0[keyPath: id] == item[keyPath: id] }) {
            list[index] = item
        } else {
            list.append(item)
        }
    }
}
