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
            // Mutated in place, not copied out and back: a copy of a unit's days per report was quadratic.
            let index = unitDays[unit]?[date]?.revisions.count ?? 0
            if index > 0 {
                unitDays[unit]?[date]?.append(revision)
                // A returned report goes back to `received` once the unit resubmits (API.md, review).
                if unitDays[unit]?[date]?.review.state == .returned { unitDays[unit]?[date]?.review = .received }
            } else {
                unitDays[unit, default: DayMap()][date] = UnitDay(unit: unit, date: date, status: status, revisions: [revision],
                                                             review: .received)
            }
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
