import Domain
import Foundation

/// The answer to a report POST, written by hand: the hottest write path's response, where JSONEncoder cost more
/// than the rest of rendering together. The same document `JSONRenderer` writes (sorted keys, RFC 3339 with
/// the district's offset); a test holds the two byte-identical.
enum ReceiptJSON {
    /// `dryRun`: the answer says `"dryRun": true`, so that a clerk who ran only the check does not take it for a
    /// stored report (it is left out otherwise).
    static func render(_ receipt: ReportReceipt, time: DistrictTime, dryRun: Bool = false) -> Data {
        var out = JSONText()
        out.bytes.reserveCapacity(1024) // grown from empty, a receipt was reallocated five times
        out.object {
            $0.key("date") { $0.date(receipt.date) }
            if dryRun { $0.key("dryRun") { $0.bool(true) } }
            $0.key("revision") { $0.int(receipt.revision) }
            $0.key("status") { $0.string(receipt.status.rawValue) }
            $0.key("submittedAt") { $0.rfc3339(receipt.submittedAt, in: time) }
            $0.key("unit") { $0.string(receipt.unit) }
            $0.key("warnings") {
                $0.array(receipt.warnings) { warning, out in
                    out.object {
                        $0.key("message") { $0.string(warning.message) }
                        $0.key("rule") { $0.string(warning.rule) }
                    }
                }
            }
        }
        return Data(out.bytes)
    }
}
