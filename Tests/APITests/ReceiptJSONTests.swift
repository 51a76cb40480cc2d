import Foundation
import Testing
@testable import API
@testable import Domain

/// The hand-written receipt must be byte-for-byte what the renderer writes for the receipt's Encodable form.
@Suite struct ReceiptJSONTests {
    /// The receipt as the renderer would encode it.
    struct ReceiptView: Encodable {
        let unit: String, date: LocalDate, revision: Int, status: Timeliness, submittedAt: Date, warnings: [ReportWarning]
        let dryRun: Bool?
        init(_ r: ReportReceipt, dryRun: Bool) {
            unit = r.unit; date = r.date; revision = r.revision; status = r.status; submittedAt = r.submittedAt; warnings = r.warnings
            self.dryRun = dryRun ? true : nil
        }
    }

    @Test(arguments: [[], [ReportWarning(rule: "jump", message: "安装数一天增加 \"300\" 户/异常\n")],
                      [ReportWarning(rule: "a", message: "x"), ReportWarning(rule: "b", message: "y")]])
    func sameBytesAsTheRenderer(warnings: [ReportWarning]) throws {
        let time = DistrictTime(timeZone: try #require(TimeZone(identifier: "Asia/Shanghai")))
        let renderer = JSONRenderer(time: time)
        for status in [Timeliness.onTime, .late] {
            for dryRun in [false, true] {
                let receipt = ReportReceipt(unit: "xiatuanpu", date: LocalDate("2021-10-15")!, revision: 2, status: status,
                                            submittedAt: Date(timeIntervalSince1970: 1_634_292_000.5), warnings: warnings, created: false)
                let expected = try renderer.data(ReceiptView(receipt, dryRun: dryRun))
                #expect(String(decoding: ReceiptJSON.render(receipt, time: time, dryRun: dryRun), as: UTF8.self)
                        == String(decoding: expected, as: UTF8.self))
            }
        }
    }
}
