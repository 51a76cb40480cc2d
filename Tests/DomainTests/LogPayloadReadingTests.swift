import Foundation
import Testing
@testable import Domain

/// WAL records of reports are read back by hand: the same change as JSONDecoder reads, for what we write and for
/// what JSONEncoder wrote; anything else, or anything malformed, goes to JSONDecoder.
@Suite struct LogPayloadReadingTests {
    static func reports(text: String) -> [LoggedChange] {
        let audit = AuditEntry(at: LogPayloadTests.at, date: LocalDate("2021-10-15")!, tokenID: "tok_1", tokenLabel: text,
                               role: .office, action: "report.submit", target: "xiatuanpu/2021-10-15", summary: "第 3 版 \(text)")
        var odd = LogPayloadTests.revision(optionals: true, text: text)
        odd.reporter = ReporterContact(name: text, phone: "13800000000")
        odd.fuel = FuelDelivered(cleanCoalTons: 0.1, biomassTons: 1e20)
        odd.submittedAt = Date(timeIntervalSinceReferenceDate: 656_000_000.123_456_7)
        return [
            LoggedChange(.reportSubmitted(unit: "xiatuanpu", date: LocalDate("2021-10-15")!, status: .late,
                                          revision: LogPayloadTests.revision(optionals: true, text: text)), audit: audit),
            LoggedChange(.reportSubmitted(unit: "zirun", date: LocalDate("2022-03-15")!, status: .onTime,
                                          revision: LogPayloadTests.revision(optionals: false, text: text)), audit: nil),
            LoggedChange(.reportSubmitted(unit: "zirun", date: LocalDate("2022-03-16")!, status: .onTime, revision: odd), audit: audit),
        ]
    }

    @Test(arguments: LogPayloadTests.texts)
    func reportsAreReadByHandAsJSONDecoderReadsThem(text: String) throws {
        for logged in Self.reports(text: text) {
            for payload in [try CampaignState.logPayload(of: logged), Array(try JSONEncoder().encode(logged))] {
                let byHand = try #require(CampaignState.reportSubmitted(from: Data(payload)), "the hand reader declined")
                #expect(byHand == logged)
                #expect(byHand == (try JSONDecoder().decode(LoggedChange.self, from: Data(payload))))
                #expect(try CampaignState.change(fromLogPayload: payload) == logged)
            }
        }
    }

    @Test func otherChangesAndMalformedReportsGoToJSONDecoder() throws {
        let other = LoggedChange(.exemptionRemoved(id: "ex-1"), audit: nil)
        let payload = try CampaignState.logPayload(of: other)
        #expect(CampaignState.reportSubmitted(from: Data(payload)) == nil)
        #expect(try CampaignState.change(fromLogPayload: payload) == other)

        let report = String(decoding: try CampaignState.logPayload(of: Self.reports(text: "x")[1]), as: UTF8.self)
        for broken in [report.replacingOccurrences(of: #""confirmed":320"#, with: #""confirmed":320.5"#),
                       report.replacingOccurrences(of: #""status":"on_time""#, with: #""status":"soon""#),
                       report.replacingOccurrences(of: #""submittedBy":"tok_1""#, with: #""submittedBy":1"#),
                       report.replacingOccurrences(of: #""date":"2022-03-15""#, with: #""date":"2022-02-30""#),
                       report.replacingOccurrences(of: #"{"change":{"reportSubmitted":"#,
                                                   with: #"{"change":{"exemptionRemoved":{"id":"x"},"reportSubmitted":"#)] {
            #expect(broken != report)
            #expect(CampaignState.reportSubmitted(from: Data(broken.utf8)) == nil)
            #expect(throws: (any Error).self) { try CampaignState.change(fromLogPayload: Array(broken.utf8)) }
        }
    }
}
