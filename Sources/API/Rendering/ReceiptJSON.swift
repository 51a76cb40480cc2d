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
        // Grown from empty, a receipt was reallocated five times. Under 1,008 bytes: a larger request made glibc's malloc
        // sweep its fast bins first (malloc_consolidate, half the cost of this function under load).
        out.bytes.reserveCapacity(256)
        out.object {
            $0.key("date") { $0.date(receipt.date) }
            if dryRun { $0.key("dryRun") { $0.bool(true) } }
            $0.key("revision") { $0.int(receipt.revision) }
            $0.key("status") { $0.string(receipt.status.rawValue) }
            $0.key("submittedAt") { $0.rfc3339(receipt.submittedAt, in: time) }
            $0.key("unit") { $0.string(receipt.unit) }
            $0.key("warnings") {
                // Most receipts have none: not through the generic array writer (a fifth of this function).
                guard !receipt.warnings.isEmpty else { return $0.bytes.append(contentsOf: "[]".utf8) }
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
