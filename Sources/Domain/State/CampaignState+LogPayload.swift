import Foundation

/// The WAL record of a submitted report, written by hand: it is by far the most frequent change, and
/// JSONEncoder was a third of the WAL writer's time. The text is what `JSONEncoder()` writes for the same
/// value (its keys in declaration order, instants as seconds since 2001), so recovery decodes both alike; a
/// test holds them equal. Every other change goes through JSONEncoder.
extension CampaignState {
    public static func logPayload(of logged: LoggedChange) throws -> [UInt8] {
        guard case let .reportSubmitted(unit, date, status, revision) = logged.change else {
            return Array(try JSONEncoder().encode(logged))
        }
        var out = JSONText()
        out.bytes.reserveCapacity(2048) // a report's record is about 1 KB: grown from empty, it was reallocated seven times
        out.object {
            $0.key("change") {
                $0.object {
                    $0.key("reportSubmitted") {
                        $0.object {
                            $0.key("unit") { $0.string(unit) }
                            $0.key("date") { $0.date(date) }
                            $0.key("status") { $0.string(status.rawValue) }
                            $0.key("revision") { Self.write(revision, &$0) }
                        }
                    }
                }
            }
            if let audit = logged.audit { $0.key("audit") { Self.write(audit, &$0) } }
        }
        return out.bytes
    }

    /// A report's record, bounded without writing it: every string's bytes at their worst escaping (`\u0000`, six for
    /// one) and 64 bytes for each key with its number, date or brackets. Reports are thus encoded by the WAL's sync
    /// thread; `LogPayloadTests` hold the bound above the text. Every other change: unknown (encoded by the writer).
    public static func logPayloadSizeBound(of logged: LoggedChange) -> Int? {
        guard case let .reportSubmitted(unit, _, _, r) = logged.change else { return nil }
        var stringBytes = unit.utf8.count + r.submittedBy.utf8.count
        var keys = 32 // the change's, the revision's and their scalars'
        for village in r.villages { stringBytes += village.village.utf8.count + village.path.utf8.count }
        keys += 8 * r.villages.count
        for issue in r.issues { stringBytes += issue.utf8.count }
        keys += r.issues.count
        // Summed one by one: an array of them was allocated and freed for every report.
        stringBytes += (r.nextDayPlan?.utf8.count ?? 0) + (r.reporter?.name.utf8.count ?? 0) + (r.reporter?.phone?.utf8.count ?? 0)
            + (r.correction?.utf8.count ?? 0)
        for warning in r.warnings { stringBytes += warning.rule.utf8.count + warning.message.utf8.count }
        keys += 3 * r.warnings.count
        if let a = logged.audit {
            stringBytes += a.tokenID.utf8.count + a.tokenLabel.utf8.count + a.action.utf8.count + a.target.utf8.count
                + a.summary.utf8.count
            keys += 12
        }
        return 6 * stringBytes + 64 * keys
    }

    private static func write(_ r: ReportRevision, _ out: inout JSONText) {
        out.object {
            $0.key("revision") { $0.int(r.revision) }
            $0.key("submittedAt") { $0.referenceDate(r.submittedAt) }
            $0.key("submittedBy") { $0.string(r.submittedBy) }
            $0.key("villages") { $0.array(r.villages) { write($0, &$1) } }
            if let fuel = r.fuel {
                $0.key("fuel") {
                    $0.object {
                        $0.key("cleanCoalTons") { $0.double(fuel.cleanCoalTons) }
                        $0.key("biomassTons") { $0.double(fuel.biomassTons) }
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
            if let correction = r.correction { $0.key("correction") { $0.string(correction) } }
            $0.key("warnings") {
                $0.array(r.warnings) { warning, out in
                    out.object {
                        $0.key("rule") { $0.string(warning.rule) }
                        $0.key("message") { $0.string(warning.message) }
                    }
                }
            }
        }
    }

    private static func write(_ v: VillageProgress, _ out: inout JSONText) {
        out.object {
            $0.key("village") { $0.string(v.village) }
            $0.key("path") { $0.string(v.path) }
            $0.key("confirmed") { $0.int(v.counts.confirmed) }
            $0.key("signed") { $0.int(v.counts.signed) }
            $0.key("installed") { $0.int(v.counts.installed) }
            $0.key("accepted") { $0.int(v.counts.accepted) }
            $0.key("operating") { $0.int(v.counts.operating) }
        }
    }

    private static func write(_ a: AuditEntry, _ out: inout JSONText) {
        out.object {
            $0.key("at") { $0.referenceDate(a.at) }
            $0.key("date") { $0.date(a.date) }
            $0.key("tokenID") { $0.string(a.tokenID) }
            $0.key("tokenLabel") { $0.string(a.tokenLabel) }
            $0.key("role") { $0.string(a.role.rawValue) }
            $0.key("action") { $0.string(a.action) }
            $0.key("target") { $0.string(a.target) }
            $0.key("summary") { $0.string(a.summary) }
        }
    }
}
