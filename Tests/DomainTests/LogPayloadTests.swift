import Foundation
import Testing
@testable import Domain

/// The hand-written WAL payload of a report must be the document JSONEncoder writes, and decode back equal.
@Suite struct LogPayloadTests {
    static let at = Timestamp.floor(Date(timeIntervalSince1970: 1_634_292_000.123))

    static func revision(optionals: Bool, text: String) -> ReportRevision {
        ReportRevision(revision: 3, submittedAt: at, submittedBy: "tok_1",
                       villages: [VillageProgress(village: "xtp-dongcun", path: "household_electric",
                                                  counts: Funnel(confirmed: 320, signed: 300, installed: 250, accepted: 200, operating: 180)),
                                  VillageProgress(village: "xtp-xicun", path: "biomass", counts: .zero)],
                       fuel: optionals ? FuelDelivered(cleanCoalTons: 0, biomassTons: 30.5) : nil,
                       issues: optionals ? [text, "变压器容量不足"] : [],
                       nextDayPlan: optionals ? text : nil,
                       reporter: optionals ? ReporterContact(name: "张三", phone: nil) : nil,
                       correction: optionals ? "更正：\(text)" : nil,
                       warnings: optionals ? [ReportWarning(rule: "jump", message: text)] : [])
    }

    static let texts = ["完成剩余50户设备安装", "quote \" backslash \\ slash / tab \t newline \n cr \r bell \u{07} nul \u{00}",
                        "emoji 🔥 and 𠀀", ""]

    @Test(arguments: [true, false], texts)
    func sameDocumentAsTheEncoder(optionals: Bool, text: String) throws {
        let audit = AuditEntry(at: Self.at, date: LocalDate("2021-10-15")!, tokenID: "tok_1", tokenLabel: text, role: .reporter,
                               action: "report.submit", target: "xiatuanpu/2021-10-15", summary: "第 3 版 \(text)")
        for logged in [LoggedChange(.reportSubmitted(unit: "xiatuanpu", date: LocalDate("2021-10-15")!, status: .late,
                                                     revision: Self.revision(optionals: optionals, text: text)), audit: audit),
                       LoggedChange(.reportSubmitted(unit: "zirun", date: LocalDate("2022-03-15")!, status: .onTime,
                                                     revision: Self.revision(optionals: optionals, text: text)), audit: nil)] {
            let handWritten = Data(try CampaignState.logPayload(of: logged))
            #expect(try JSONDecoder().decode(LoggedChange.self, from: handWritten) == logged)
            #expect(handWritten.count <= CampaignState.logPayloadSizeBound(of: logged)!)
            let encoded = try JSONEncoder().encode(logged)
            let ours = try JSONSerialization.jsonObject(with: handWritten) as? NSDictionary
            let theirs = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
            #expect(ours != nil && ours == theirs)
        }
    }

    @Test func otherChangesGoThroughTheEncoder() throws {
        let logged = LoggedChange(.exemptionRemoved(id: "ex-1"), audit: nil)
        #expect(Data(try CampaignState.logPayload(of: logged)) == (try JSONEncoder().encode(logged)))
        // Unbounded, so encoded (and refused if too large) before they are applied.
        #expect(CampaignState.logPayloadSizeBound(of: logged) == nil)
    }

    /// The bound must hold at its tightest: every string a control character escaped six for one, every number at its
    /// longest, every optional present, many of each part. The strings are long enough (24 KB escaped) that a string
    /// the bound left out would not hide in the allowance for keys and numbers.
    @Test func theBoundHoldsForTheLongestText() throws {
        let control = String(repeating: "\u{01}", count: 4096)
        let longest = Funnel(confirmed: Int.min, signed: Int.min, installed: Int.min, accepted: Int.min, operating: Int.min)
        for count in [0, 1, 7, 40] {
            let revision = ReportRevision(
                revision: Int.min, submittedAt: Date(timeIntervalSinceReferenceDate: -1.2345678901234567e-300), submittedBy: control,
                villages: Array(repeating: VillageProgress(village: control, path: control, counts: longest), count: count),
                fuel: FuelDelivered(cleanCoalTons: -1.2345678901234567e-300, biomassTons: -9.87654321098765e+300),
                issues: Array(repeating: control, count: count), nextDayPlan: control,
                reporter: ReporterContact(name: control, phone: control), correction: control,
                warnings: Array(repeating: ReportWarning(rule: control, message: control), count: count))
            let audit = AuditEntry(at: Date(timeIntervalSinceReferenceDate: -1.2345678901234567e-300), date: LocalDate("2021-10-15")!,
                                   tokenID: control, tokenLabel: control, role: .reporter, action: control, target: control,
                                   summary: control)
            for logged in [LoggedChange(.reportSubmitted(unit: control, date: LocalDate("2021-10-15")!, status: .onTime,
                                                         revision: revision), audit: audit),
                           LoggedChange(.reportSubmitted(unit: "", date: LocalDate("2021-10-15")!, status: .late,
                                                         revision: Self.revision(optionals: false, text: "")), audit: nil)] {
                let written = try CampaignState.logPayload(of: logged).count
                let bound = try #require(CampaignState.logPayloadSizeBound(of: logged))
                #expect(written <= bound, "\(count) of each part")
            }
        }
    }
}
