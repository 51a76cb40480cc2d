import Foundation
import Storage

/// Where a stored report revision is: its unit-day, and its place among that day's revisions.
struct RevisionPosition: Sendable {
    var unit: String
    var date: LocalDate
    var index: Int
}

/// Where an audit entry is: its day, and its place among that day's entries.
struct AuditPosition: Sendable {
    var date: LocalDate
    var index: Int
}

/// A report revision as the snapshot's ledger holds it: with the unit and the date it was stored for.
struct StoredRevision: Codable, Equatable {
    var unit: String
    var date: LocalDate
    var revision: ReportRevision

    private enum CodingKeys: String, CodingKey { case unit, date }

    init(unit: String, date: LocalDate, revision: ReportRevision) {
        self.unit = unit
        self.date = date
        self.revision = revision
    }

    /// One JSON object: the revision's own keys, and `unit` and `date` beside them.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        unit = try c.decode(String.self, forKey: .unit)
        date = try c.decode(LocalDate.self, forKey: .date)
        revision = try ReportRevision(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try revision.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(unit, forKey: .unit)
        try c.encode(date, forKey: .date)
    }
}

/// `report-days.json`: each unit-day's status and review and how many revisions the ledger holds for it.
struct ReportDayHeader: Codable, Equatable {
    var date: LocalDate
    var review: Review
    var revisionCount: Int
    var status: Timeliness
    var unit: String
}

/// Report revisions and audit entries, the parts of the state that grow with every report, are written in the order
/// they were stored, in files of `ledgerFileRecords` named by the range they hold: `reports-0000000001-0000008192.json`
/// holds the first 8,192 revisions stored. Nothing stored is ever changed or removed, so a file's name fixes its text:
/// each is `.sealed`, and a checkpoint links it from the snapshot before instead of writing it again. A checkpoint
/// thus writes the records since the last one, the part-full last file and the small files, not the whole season.
extension CampaignState {
    static let ledgerFileRecords = 8192

    /// Written as `reports.json`, where a server from before the ledgers looks for the reports: it cannot read this
    /// (an object, not the array of days it expects), so it refuses to start on the snapshot, as on a damaged one,
    /// instead of starting without the reports and checkpointing that. And it tells an official where they are.
    static let reportsNotice = Data("""
        {
          "note" : "本快照的报送记录按入库顺序存于 reports-起-止.json，各单位各日的状态与审核存于 report-days.json；审计记录存于 audit-起-止.json。The reports are in reports-FIRST-LAST.json, in the order stored, with report-days.json; the audit trail in audit-FIRST-LAST.json."
        }
        """.utf8)

    /// Each unit-day's status, review and revision count; its presence marks a snapshot written with ledgers (else:
    /// one from before them, with `reports.json` and `audit.json` by day).
    static let reportDaysFile = "report-days.json"

    static func hasLedgers(_ files: [String: Data]) -> Bool { files[reportDaysFile] != nil }

    static let reportLedgerPrefix = "reports"
    static let auditLedgerPrefix = "audit"

    func reportLedgerFiles() -> [String: SnapshotFile] {
        let unitDays = self.unitDays
        return Self.ledgerFiles(Self.reportLedgerPrefix, reportLedger) { slice in
            Self.revisionsFile(slice) { p in
                guard let day = unitDays[p.unit]?[p.date], p.index < day.revisions.count else { throw Self.missing(p.unit, p.date) }
                return StoredRevision(unit: p.unit, date: p.date, revision: day.revisions[p.index])
            }
        }
    }

    func auditLedgerFiles() -> [String: SnapshotFile] {
        let audit = self.audit
        return Self.ledgerFiles(Self.auditLedgerPrefix, auditLedger) { slice in
            Self.auditFile(slice) { p in
                guard let day = audit[p.date], p.index < day.count else { throw Self.missing("audit", p.date) }
                return day[p.index]
            }
        }
    }

    /// Every position was recorded as its record was applied, so this fails the checkpoint on a broken invariant
    /// rather than the server.
    private static func missing(_ what: String, _ date: LocalDate) -> DomainError {
        DomainError.invalid("ledger", "the ledger names a record of \(what) \(date) the state does not hold")
    }

    func reportDayHeaders() -> [ReportDayHeader] {
        unitDays.values.flatMap(\.values).sorted { ($0.unit, $0.date) < ($1.unit, $1.date) }.map {
            ReportDayHeader(date: $0.date, review: $0.review, revisionCount: $0.revisions.count, status: $0.status, unit: $0.unit)
        }
    }

    private static func ledgerFiles<Position>(_ prefix: String, _ ledger: AppendOnlyList<Position>,
                                              _ file: (Slice<AppendOnlyList<Position>>) -> SnapshotFile) -> [String: SnapshotFile] {
        var files: [String: SnapshotFile] = [:]
        for start in stride(from: 0, to: ledger.count, by: ledgerFileRecords) {
            let end = min(start + ledgerFileRecords, ledger.count)
            files[ledgerFileName(prefix, first: start + 1, last: end)] = .sealed(file(ledger[start..<end]))
        }
        return files
    }

    static func ledgerFileName(_ prefix: String, first: Int, last: Int) -> String {
        var name = Array("\(prefix)-".utf8)
        appendZeroPadded(first, 10, to: &name)
        name.append(UInt8(ascii: "-"))
        appendZeroPadded(last, 10, to: &name)
        return String(decoding: name, as: UTF8.self) + ".json"
    }

    /// A ledger's files in order with the number of records each must hold, checked to follow one another from the
    /// first record on: a missing file is a damaged snapshot, not a shorter season.
    static func ledgerFiles(_ prefix: String, in files: [String: Data]) throws -> [(records: Int, text: Data)] {
        var found: [(first: Int, last: Int, text: Data)] = []
        for (name, text) in files where name.hasPrefix(prefix + "-") && name.hasSuffix(".json") {
            let bounds = name.dropFirst(prefix.count + 1).dropLast(".json".count).split(separator: "-")
            guard bounds.count == 2, let first = Int(bounds[0]), let last = Int(bounds[1]), first >= 1, last >= first else {
                throw DomainError.invalid(name, "\(name) is no ledger file name (\(prefix)-FIRST-LAST.json)")
            }
            found.append((first, last, text))
        }
        found.sort { $0.first < $1.first }
        var next = 1
        for file in found {
            guard file.first == next else {
                let name = ledgerFileName(prefix, first: file.first, last: file.last)
                throw DomainError.invalid(name, "\(name): records \(next) to \(file.first - 1) are missing before it")
            }
            next = file.last + 1
        }
        return found.map { ($0.last - $0.first + 1, $0.text) }
    }

    /// Rebuilds the unit-days and the report ledger from `report-days.json` and the `reports-…` files.
    mutating func readReportLedger(days: Data, files: [String: Data]) throws {
        var revisions: [String: [LocalDate: [ReportRevision]]] = [:]
        for file in try Self.ledgerFiles(Self.reportLedgerPrefix, in: files) {
            let stored = try Self.readRevisionsFile(file.text)
            guard stored.count == file.records else {
                throw DomainError.invalid(Self.reportLedgerPrefix, "a ledger file holds \(stored.count) revisions, its name \(file.records)")
            }
            for s in stored {
                reportLedger.append(RevisionPosition(unit: s.unit, date: s.date, index: revisions[s.unit]?[s.date]?.count ?? 0))
                revisions[s.unit, default: [:]][s.date, default: []].append(s.revision)
            }
        }
        var placed = 0
        for header in try Self.decoder.decode([ReportDayHeader].self, from: days) {
            // (A day without revisions, from a snapshot edited by hand before the ledger, stays one.)
            let list = revisions[header.unit]?.removeValue(forKey: header.date) ?? []
            guard list.count == header.revisionCount else {
                throw DomainError.invalid("report-days.json", "\(header.unit) \(header.date): \(header.revisionCount) revisions, not so many in the ledger")
            }
            placed += list.count
            unitDays[header.unit, default: DayMap()][header.date] = UnitDay(unit: header.unit, date: header.date, status: header.status,
                                                                           revisions: list, review: header.review)
        }
        guard placed == reportLedger.count else {
            throw DomainError.invalid("report-days.json", "the ledger holds revisions of days report-days.json does not name")
        }
    }

    /// Every audit entry of the snapshot in the order it was written: the `audit-…` files, else (a snapshot from
    /// before the ledger) `audit.json`, by day.
    static func readAuditLedger(_ files: [String: Data]) throws -> [AuditEntry] {
        if !hasLedgers(files) { return try files["audit.json"].map(readAuditFile) ?? [] }
        var entries: [AuditEntry] = []
        for file in try ledgerFiles(auditLedgerPrefix, in: files) {
            let part = try readAuditFile(file.text)
            guard part.count == file.records else {
                throw DomainError.invalid(auditLedgerPrefix, "a ledger file holds \(part.count) entries, its name \(file.records)")
            }
            entries += part
        }
        return entries
    }
}
