import Foundation
import Storage

/// The snapshot files that grow with every report (the ledgers of revisions and audit entries), written by hand:
/// JSONEncoder took most of a checkpoint's time, and a checkpoint runs while reports keep arriving. The text is byte
/// for byte what `CampaignState.encoder` writes for the same values (keys sorted, pretty-printed, instants as UTC
/// strings); a test holds them equal.
extension CampaignState {
    /// A streamed file's text goes to the writer in pieces of about this size.
    static let snapshotPieceBytes = 1 << 20

    /// A ledger file of revisions: `stored` gives each item's revision with its unit and date (it throws, failing the
    /// checkpoint, when the state lacks one).
    static func revisionsFile<Items: Sequence>(_ items: Items, _ stored: @escaping (Items.Element) throws -> StoredRevision) -> SnapshotFile {
        streamedArray(items) { item, out in
            let s = try stored(item)
            write(s.revision, unit: s.unit, date: s.date, &out)
        }
    }

    /// A ledger file of audit entries: `entry` gives each item's.
    static func auditFile<Items: Sequence>(_ items: Items, _ entry: @escaping (Items.Element) throws -> AuditEntry) -> SnapshotFile {
        streamedArray(items) { writeAudit(try entry($0), &$1) }
    }

    /// A pretty-printed JSON array handed to the writer in pieces as it grows; the layout state stays with `out`.
    private static func streamedArray<Items: Sequence>(_ items: Items, _ write: @escaping (Items.Element, inout JSONText) throws -> Void) -> SnapshotFile {
        .streamed { writer in
            var out = JSONText(pretty: true)
            try out.array(items) { item, out in
                try write(item, &out)
                guard out.bytes.count >= snapshotPieceBytes else { return }
                try writer.write(out.bytes)
                out.bytes.removeAll(keepingCapacity: true)
            }
            try writer.write(out.bytes)
        }
    }

    private static func writeAudit(_ entry: AuditEntry, _ out: inout JSONText) {
        out.object {
            $0.key("action") { $0.string(entry.action) }
            $0.key("at") { $0.utcTimestamp(entry.at) }
            $0.key("date") { $0.date(entry.date) }
            $0.key("role") { $0.string(entry.role.rawValue) }
            $0.key("summary") { $0.string(entry.summary) }
            $0.key("target") { $0.string(entry.target) }
            $0.key("tokenID") { $0.string(entry.tokenID) }
            $0.key("tokenLabel") { $0.string(entry.tokenLabel) }
        }
    }

    /// A revision with the unit and the date it was stored for, among its own keys in their sorted places.
    private static func write(_ r: ReportRevision, unit: String, date: LocalDate, _ out: inout JSONText) {
        out.object {
            if let correction = r.correction { $0.key("correction") { $0.string(correction) } }
            $0.key("date") { $0.date(date) }
            if let fuel = r.fuel {
                $0.key("fuel") {
                    $0.object {
                        $0.key("biomassTons") { $0.double(fuel.biomassTons) }
                        $0.key("cleanCoalTons") { $0.double(fuel.cleanCoalTons) }
                    }
                }
            }
            $0.key("issues") { $0.array(r.issues) { $1.string($0) } }
            if let plan = r.nextDayPlan { $0.key("nextDayPlan") { $0.string(plan) } }
            if let reporter = r.reporter {
                $0.key("reporter") {
                    $0.object {
                        $0.key("name") { $0.string(reporter.name) }
                        if let phone = reporter.phone { $0.key("phone") { $0.string(phone) } }
                    }
                }
            }
            $0.key("revision") { $0.int(r.revision) }
            $0.key("submittedAt") { $0.utcTimestamp(r.submittedAt) }
            $0.key("submittedBy") { $0.string(r.submittedBy) }
            $0.key("unit") { $0.string(unit) }
            $0.key("villages") {
                $0.array(r.villages) { v, out in
                    out.object {
                        $0.key("accepted") { $0.int(v.counts.accepted) }
                        $0.key("confirmed") { $0.int(v.counts.confirmed) }
                        $0.key("installed") { $0.int(v.counts.installed) }
                        $0.key("operating") { $0.int(v.counts.operating) }
                        $0.key("path") { $0.string(v.path) }
                        $0.key("signed") { $0.int(v.counts.signed) }
                        $0.key("village") { $0.string(v.village) }
                    }
                }
            }
            $0.key("warnings") {
                $0.array(r.warnings) { warning, out in
                    out.object {
                        $0.key("message") { $0.string(warning.message) }
                        $0.key("rule") { $0.string(warning.rule) }
                    }
                }
            }
        }
    }
}
