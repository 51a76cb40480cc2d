import Foundation

/// The two snapshot files that grow with every report, read by hand (the counterpart of the hand-written
/// `reportsFile`/`auditFile`): JSONDecoder was most of a restart from a large snapshot. A file the hand reader
/// does not recognise in full goes to JSONDecoder, which reads it or says precisely what is wrong.
extension CampaignState {
    static func readReportsFile(_ data: Data) throws -> [UnitDay] {
        if let days = reportsFromSnapshot(data) { return days }
        return try decoder.decode([UnitDay].self, from: data)
    }

    static func readAuditFile(_ data: Data) throws -> [AuditEntry] {
        if let entries = auditFromSnapshot(data) { return entries }
        return try decoder.decode([AuditEntry].self, from: data)
    }

    static func reportsFromSnapshot(_ data: Data) -> [UnitDay]? {
        guard case .array(let items)? = try? JSONValue.parse(data) else { return nil }
        var days: [UnitDay] = []
        days.reserveCapacity(items.count)
        for item in items {
            guard let d = JSONMembers(item), let unit = d.string("unit"), let date = d.string("date").flatMap(LocalDate.init),
                  let status = d.string("status").flatMap(Timeliness.init(rawValue:)),
                  let review = d.object("review").flatMap(review(from:)), let revisionValues = d.array("revisions") else { return nil }
            var revisions: [ReportRevision] = []
            revisions.reserveCapacity(revisionValues.count)
            for value in revisionValues {
                guard let revision = JSONMembers(value).flatMap({ revision(from: $0, instant: snapshotInstant) }) else { return nil }
                revisions.append(revision)
            }
            days.append(UnitDay(unit: unit, date: date, status: status, revisions: revisions, review: review))
        }
        return days
    }

    static func auditFromSnapshot(_ data: Data) -> [AuditEntry]? {
        guard case .array(let items)? = try? JSONValue.parse(data) else { return nil }
        var entries: [AuditEntry] = []
        entries.reserveCapacity(items.count)
        for item in items {
            guard let entry = JSONMembers(item).flatMap({ auditEntry(from: $0, instant: snapshotInstant) }) else { return nil }
            entries.append(entry)
        }
        return entries
    }

    private static func review(from r: JSONMembers) -> Review? {
        guard let state = r.string("state").flatMap(Review.State.init(rawValue:)), let note = r.optionalString("note"),
              let by = r.optionalString("by") else { return nil }
        var at: Date?
        if r.optional("at") != nil {
            guard let instant = snapshotInstant(r, "at") else { return nil }
            at = instant
        }
        return Review(state: state, note: note, by: by, at: at)
    }
}
