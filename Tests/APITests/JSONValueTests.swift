import Domain
import Foundation
import Testing
@testable import API

/// Report bodies read through `JSONFields` give the same submission, or the same error, as they did when
/// bodies went through JSONSerialization (the expectations below were recorded against that version).
@Suite struct JSONFieldsReadingTests {
    static let readmeReport = """
    {
      "date": "2021-10-15",
      "villages": [
        {"village": "xtp-dongcun", "path": "household_electric",
         "confirmed": 320, "signed": 300, "installed": 250, "accepted": 200, "operating": 180}
      ],
      "fuel": {"cleanCoalTons": 0, "biomassTons": 30},
      "issues": ["东村变压器容量不足，需地电公司增容"],
      "nextDayPlan": "完成东村剩余50户设备安装",
      "reporter": {"name": "张三", "phone": "13800000000"}
    }
    """

    /// The README report with one village whose `installed` (or another member) is the given JSON text.
    static func report(village: String = #""installed": 250"#, rest: String = "") -> String {
        """
        {"date": "2021-10-15", "unit": "xiatuanpu", "villages": [{"village": "v1", "path": "biomass",
         "confirmed": 5, "signed": 4, "accepted": 1, "operating": 0, \(village)}]\(rest)}
        """
    }

    static func outcome(_ body: String) -> String {
        do {
            let submission = try CleanheatAPI.decodeSubmission(try JSONFields.parse(Data(body.utf8)))
            return "ok \(submission.villages.first.map { "\($0.counts.installed)" } ?? "-") fuel \(submission.fuel.map { "\($0.cleanCoalTons)" } ?? "-")"
        } catch let error as DomainError {
            return "\(error.details.map(\.field).joined(separator: ",")): \(error.message)"
        } catch APIError.malformedJSON(let message) {
            return "malformed: \(message)"
        } catch {
            return "other: \(error)"
        }
    }

    @Test func readmeReportReadsIntoItsSubmission() throws {
        let submission = try CleanheatAPI.decodeSubmission(try JSONFields.parse(Data(Self.readmeReport.utf8)))
        #expect(submission == ReportSubmission(
            date: LocalDate("2021-10-15"), unit: nil,
            villages: [VillageProgress(village: "xtp-dongcun", path: "household_electric",
                                       counts: Funnel(confirmed: 320, signed: 300, installed: 250, accepted: 200, operating: 180))],
            fuel: FuelDelivered(cleanCoalTons: 0, biomassTons: 30),
            issues: ["东村变压器容量不足，需地电公司增容"],
            nextDayPlan: "完成东村剩余50户设备安装",
            reporter: ReporterContact(name: "张三", phone: "13800000000")))
    }

    @Test(arguments: [
        (report(), "ok 250 fuel -"),
        (report(village: #""installed": 3.0"#), "ok 3 fuel -"),
        (report(village: #""installed": 25e1"#), "ok 250 fuel -"),
        (report(village: #""installed": -0"#), "ok 0 fuel -"),
        (report(village: #""installed": 8999999999999999"#), "ok 8999999999999999 fuel -"),
        (report(village: #""installed": 9000000000000000"#), "villages[0].installed: villages[0].installed 须为整数"),
        (report(village: #""installed": 2.5"#), "villages[0].installed: villages[0].installed 须为整数"),
        (report(village: #""installed": true"#), "villages[0].installed: villages[0].installed 须为整数"),
        (report(village: #""installed": "250""#), "villages[0].installed: villages[0].installed 须为整数"),
        (report(village: #""installed": null"#), "villages[0].installed: 缺少必填字段 villages[0].installed"),
        (report(village: #""instaled": 250"#), "villages[0].instaled: 有无法识别的字段：instaled"),
        (report(rest: #", "fuel": {"cleanCoalTons": 1.5e1}"#), "ok 250 fuel 15.0"),
        (report(rest: #", "fuel": null"#), "ok 250 fuel -"),
        (report(rest: #", "fuel": {"cleanCoalTons": false}"#), "fuel.cleanCoalTons: fuel.cleanCoalTons 须为数字"),
        (report(rest: #", "fuel": [1]"#), "fuel: fuel 须为 JSON 对象"),
        (report(rest: #", "issues": ["a", 1]"#), "issues[1]: 须为字符串"),
        (report(rest: #", "issues": "a""#), "issues: issues 须为数组"),
        (report(rest: #", "reporter": {"phone": "1"}"#), "reporter.name: 缺少必填字段 reporter.name"),
        (report(rest: #", "nextDayPlan": 5"#), "nextDayPlan: nextDayPlan 须为字符串"),
        (#"{"villages": [1]}"#, "villages[0]: villages[0] 须为 JSON 对象"),
        (#"{"villages": {}}"#, "villages: villages 须为数组"),
        (#"{"date": "2021-13-01"}"#, "date: date 须为日期 YYYY-MM-DD，收到“2021-13-01”"),
        (#"{"b": 1, "a": 2, "date": null}"#, "a,b: 有无法识别的字段：a、b"),
        ("", "malformed: 请求体为空，请发送 JSON 对象"),
        ("[]", "malformed: 请求体须为 JSON 对象 {…}"),
        (#""text""#, "malformed: 请求体须为 JSON 对象 {…}"),
    ])
    func reportBodiesReadAsBefore(body: String, expected: String) {
        #expect(Self.outcome(body) == expected)
    }

    @Test func malformedBodiesKeepTheirMessagePrefix() {
        for body in ["{", "{\"date\": }", "[1,,]", "nul"] {
            #expect(Self.outcome(body).hasPrefix("malformed: 请求体不是合法的 JSON："), "\(body)")
        }
    }
}
