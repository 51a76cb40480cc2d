import Foundation
import Testing
@testable import Domain
import Storage

/// The hand-written snapshot files must be byte for byte what the snapshot's JSONEncoder writes, and the hand readers
/// must read what JSONDecoder reads (the ledger's files, and `reports.json` of snapshots from before it).
@Suite struct SnapshotTextTests {
    static let texts = ["完成剩余50户设备安装", "quote \" backslash \\ slash / tab \t newline \n cr \r",
                        "bell \u{07} backspace \u{08} form feed \u{0C} unit separator \u{1F} nul \u{00} delete \u{7F}",
                        "emoji 🔥 and 𠀀 and \u{2028}", ""]

    static func day(_ index: Int, text: String) -> UnitDay {
        let optionals = index % 2 == 0
        let at = Date(timeIntervalSince1970: 1_634_292_000.123 + Double(index) * 3_600.5)
        let revisions = (1...(index % 3 + 1)).map { number in
            LogPayloadTests.revision(optionals: optionals, text: text + String(number))
        }.enumerated().map { offset, revision in
            var revision = revision
            revision.revision = offset + 1
            revision.submittedAt = at.addingTimeInterval(Double(offset) * 61.25)
            if offset == 1 { revision.fuel = FuelDelivered(cleanCoalTons: 0.1, biomassTons: 1e20) }
            if offset == 2 { revision.reporter = ReporterContact(name: text, phone: "13800000000") }
            return revision
        }
        let reviews = [Review.received, Review(state: .questioned, note: text, by: "tok_office", at: at, revision: 2),
                       Review(state: .confirmed, note: nil, by: "tok_office", at: at)]
        return UnitDay(unit: "unit-\(index)", date: LocalDate(dayNumber: 18_900 + index), status: index % 3 == 0 ? .late : .onTime,
                       revisions: revisions, review: reviews[index % reviews.count])
    }

    /// The days' revisions as the ledger holds them, each with its unit and date.
    static func stored(_ days: [UnitDay]) -> [StoredRevision] {
        days.flatMap { day in day.revisions.map { StoredRevision(unit: day.unit, date: day.date, revision: $0) } }
    }

    @Test(arguments: texts)
    func revisionsFileIsWhatTheEncoderWrites(text: String) throws {
        for count in [0, 1, 7] {
            let revisions = Self.stored((0..<count).map { Self.day($0, text: text) })
            let ours = (try CampaignState.revisionsFile(revisions) { $0 }.materialized())
            #expect(ours == (try CampaignState.encoder.encode(revisions)))
            #expect(try CampaignState.decoder.decode([StoredRevision].self, from: ours) == revisions)
        }
    }

    @Test(arguments: texts)
    func auditFileIsWhatTheEncoderWrites(text: String) throws {
        for count in [0, 1, 5] {
            let entries = (0..<count).map { index in
                AuditEntry(at: Date(timeIntervalSince1970: 1_634_292_000.5 + Double(index)), date: LocalDate(dayNumber: 18_900 + index),
                           tokenID: "tok_\(index)", tokenLabel: text, role: index % 2 == 0 ? .office : .reporter,
                           action: "report.submit", target: "xiatuanpu/2021-10-15", summary: "第 \(index) 版 \(text)")
            }
            #expect((try CampaignState.auditFile(entries) { $0 }.materialized()) == (try CampaignState.encoder.encode(entries)))
        }
    }

    @Test(arguments: texts)
    func handReadersGiveWhatJSONDecoderGives(text: String) throws {
        let days = (0..<7).map { Self.day($0, text: text) }
        let revisions = (try CampaignState.revisionsFile(Self.stored(days)) { $0 }.materialized())
        #expect(try #require(CampaignState.revisionsFromSnapshot(revisions), "the hand reader declined") == Self.stored(days))
        #expect(try CampaignState.readRevisionsFile(revisions) == (try CampaignState.decoder.decode([StoredRevision].self, from: revisions)))
        // reports.json of a snapshot from before the ledger, as JSONEncoder wrote it (and the hand writer did, byte for byte).
        let reports = try CampaignState.encoder.encode(days)
        #expect(try #require(CampaignState.reportsFromSnapshot(reports), "the hand reader declined") == days)
        #expect(try CampaignState.readReportsFile(reports) == days)
        let entries = (0..<3).map { index in
            AuditEntry(at: Date(timeIntervalSince1970: 1_634_292_000.5 + Double(index)), date: LocalDate(dayNumber: 18_900 + index),
                       tokenID: "tok_\(index)", tokenLabel: text, role: .supervisor, action: "report.review", target: "t", summary: text)
        }
        let audit = (try CampaignState.auditFile(entries) { $0 }.materialized())
        #expect(try #require(CampaignState.auditFromSnapshot(audit), "the hand reader declined") == entries)
        #expect(try CampaignState.readAuditFile(audit) == (try CampaignState.decoder.decode([AuditEntry].self, from: audit)))
    }

    @Test func aFileLargerThanAPieceIsHandedOverInPiecesThatMakeTheSameText() throws {
        let revisions = Self.stored((0..<1_500).map { Self.day($0, text: "长文本 \\ \" \n 第\($0)条") })
        var pieces: [Int] = []
        var text = Data()
        var writer = SnapshotFileWriter { pieces.append($0.count); text.append(contentsOf: $0) }
        guard case .streamed(let write) = CampaignState.revisionsFile(revisions, { $0 }) else { Issue.record("not streamed"); return }
        try write(&writer)
        #expect(pieces.count > 1, "\(pieces)")
        #expect(pieces.dropLast().allSatisfy { $0 >= CampaignState.snapshotPieceBytes })
        #expect(text == (try CampaignState.encoder.encode(revisions)))
    }

    @Test(arguments: [0, 7, 10, 99, 100, 1_000_000, -1, -10, -999, Int.max, Int.min])
    func integersAreTheirDecimalText(value: Int) {
        var out = JSONText()
        out.int(value)
        #expect(String(decoding: out.bytes, as: UTF8.self) == String(value))
    }

    @Test(arguments: [0, 0.001, 0.999, 1_634_292_000.5, 1_634_328_059.999, -0.001, -86_400.5, -2_208_988_800,
                      253_402_300_799.999, 253_402_300_800])
    func timestampBytesAreTheTimestampString(seconds: Double) {
        let date = Timestamp.floor(Date(timeIntervalSince1970: seconds))
        var out = JSONText()
        out.utcTimestamp(date)
        #expect(String(decoding: out.bytes, as: UTF8.self) == "\"\(Timestamp.utcString(date))\"")
    }

    @Test func malformedFilesGoToJSONDecoderWhichRefusesThem() throws {
        let good = String(decoding: (try CampaignState.revisionsFile(Self.stored([Self.day(1, text: "x")])) { $0 }.materialized()), as: UTF8.self)
        for broken in [good.replacingOccurrences(of: #""unit" : "unit-1""#, with: #""unit" : 1"#),
                       good.replacingOccurrences(of: #""date" : "2021-"#, with: #""date" : "2021/"#),
                       good.replacingOccurrences(of: #""submittedAt" : "2021-"#, with: #""submittedAt" : "1921/"#),
                       good.replacingOccurrences(of: #""revision" : 1"#, with: #""revision" : "1""#)] {
            #expect(broken != good)
            #expect(CampaignState.revisionsFromSnapshot(Data(broken.utf8)) == nil)
            #expect(throws: (any Error).self) { try CampaignState.readRevisionsFile(Data(broken.utf8)) }
        }
        let legacy = String(decoding: try CampaignState.encoder.encode([Self.day(1, text: "x")]), as: UTF8.self)
        let badReview = legacy.replacingOccurrences(of: #""state" : "questioned""#, with: #""state" : "lost""#)
        #expect(badReview != legacy)
        #expect(CampaignState.reportsFromSnapshot(Data(badReview.utf8)) == nil)
        #expect(throws: (any Error).self) { try CampaignState.readReportsFile(Data(badReview.utf8)) }
    }

    @Test func numbersAreWrittenAsJSONEncoderWritesThem() throws {
        let values: [Double] = [0, -0.0, 0.1, 30.5, 123_456.789, 1e15, -1e15, 1e15 + 1, 9_007_199_254_740_992, 1e16, 1.5e16,
                                1e20, Double.leastNonzeroMagnitude, -2.5]
        var out = JSONText()
        out.array(values) { $1.double($0) }
        #expect(Data(out.bytes) == (try JSONEncoder().encode(values)))
    }
}
