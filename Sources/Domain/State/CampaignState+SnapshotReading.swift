import Foundation

/// The snapshot files that grow with every report, read by hand (the counterpart of the hand-written
/// `revisionsFile`/`auditFile`): JSONDecoder was most of a restart from a large snapshot. A file the hand reader
/// does not recognise in full goes to JSONDecoder, which reads it or says precisely what is wrong.
extension CampaignState {
    static func readRevisionsFile(_ data: Data) throws -> [StoredRevision] {
        if let revisions = revisionsFromSnapshot(data) { return revisions }
        return try decoder.decode([StoredRevision].self, from: data)
    }

    /// `reports.json` of a snapshot from before the ledger: every unit-day with its revisions.
    static func readReportsFile(_ data: Data) throws -> [UnitDay] {
        if let days = reportsFromSnapshot(data) { return days }
        return try decoder.decode([UnitDay].self, from: data)
    }

    static func readAuditFile(_ data: Data) throws -> [AuditEntry] {
        if let entries = auditFromSnapshot(data) { return entries }
        return try decoder.decode([AuditEntry].self, from: data)
    }

    static func reportsFromSnapshot(_ data: Data) -> [UnitDay]? {
        var days: [UnitDay] = []
        let readAll = try? JSONValue.forEachElement(ofArray: data) { item in
            guard let d = JSONMembers(item), let unit = d.string("unit"), let date = d.string("date").flatMap(LocalDate.init),
                  let status = d.string("status").flatMap(Timeliness.init(rawValue:)),
                  let review = d.object("review").flatMap(review(from:)), let revisionValues = d.array("revisions") else { return false }
            var revisions: [ReportRevision] = []
            revisions.reserveCapacity(revisionValues.count)
            for value in revisionValues {
                guard let revision = JSONMembers(value).flatMap({ revision(from: $0, instant: snapshotInstant) }) else { return false }
                revisions.append(revision)
            }
            days.append(UnitDay(unit: unit, date: date, status: status, revisions: revisions, review: review))
            return true
        }
        return readAll == true ? days : nil
    }

    static func revisionsFromSnapshot(_ data: Data) -> [StoredRevision]? {
        var revisions: [StoredRevision] = []
        let readAll = try? JSONValue.forEachElement(ofArray: data) { item in
            guard let r = JSONMembers(item), let unit = r.string("unit"), let date = r.string("date").flatMap(LocalDate.init),
                  let revision = revision(from: r, instant: snapshotInstant) else { return false }
            revisions.append(StoredRevision(unit: unit, date: date, revision: revision))
            return true
        }
        return readAll == true ? revisions : nil
    }

    static func auditFromSnapshot(_ data: Data) -> [AuditEntry]? {
        var entries: [AuditEntry] = []
        let readAll = try? JSONValue.forEachElement(ofArray: data) { item in
            guard let entry = JSONMembers(item).flatMap({ auditEntry(from: $0, instant: snapshotInstant) }) else { return false }
            entries.append(entry)
            return true
        }
        return readAll == true ? entries : nil
    }

    private static func review(from r: JSONMembers) -> Review? {
        guard let state = r.string("state").flatMap(Review.State.init(rawValue:)), let note = r.optionalString("note"),
              let by = r.optionalString("by") else { return nil }
        var at: Date?
        if r.optional("at") != nil {
            guard let instant = snapshotInstant(r, "at") else { return nil }
            at = instant
        }
        var revision: Int?
        if r.optional("revision") != nil {
            guard let number = r.int("revision") else { return nil }
            revision = number
        }
        return Review(state: state, note: note, by: by, at: at, revision: revision)
    }
}
