import Foundation
import Testing
@testable import API
@testable import Domain

/// `ReportSubmission.readPlainBody`, the report POST's fast path, against the general reading of the same bytes
/// (`JSONFields` and `decodeSubmission`): whatever it reads, the general way reads alike; whatever is not plain it
/// leaves to the general way (nil), which names the mistakes.
@Suite struct PlainReportBodyTests {
    static let maxVillages = 3
    static let maxIssues = 2

    static let benchBody = #"""
    {"unit":"xiatuanpu","date":"2021-10-15","villages":[{"village":"bench-xiatuanpu","path":"biomass","confirmed":300,"signed":280,"installed":250,"accepted":200,"operating":180}],"fuel":{"cleanCoalTons":0,"biomassTons":30.5},"issues":["变压器容量不足，需地电公司增容","部分农户外出务工，入户安装需预约"],"nextDayPlan":"完成剩余50户设备安装，第7次报送","reporter":{"name":"张三","phone":"13800000000"}}
    """#

    static let everyField = #"""
    {
      "date" : "2021-10-16", "unit": "滋润乡",
      "villages": [
        {"operating": 0, "accepted": 1, "installed": 2, "signed": 3, "confirmed": 4, "path": "gas", "village": "v\u0031"},
        {"village": "v2", "path": "clean_coal", "confirmed": 3.0, "signed": 30e-1, "installed": 0, "accepted": -0, "operating": 0}
      ],
      "fuel": {"biomassTons": 1.25, "cleanCoalTons": 12},
      "issues": [],
      "nextDayPlan": "明天\t继续 \"加油\"",
      "reporter": {"name": "李四"},
      "correction": "上次\n误报"
    }
    """#

    /// `count` complete village entries, as a JSON list's inside.
    static func villages(_ count: Int) -> String {
        (1...count).map { #"{"village": "v\#($0)", "path": "gas", "confirmed": 1, "signed": 1, "installed": 1, "accepted": 1, "operating": 1}"# }
            .joined(separator: ", ")
    }

    static let seeds = ["{\"villages\": [\(villages(maxVillages))], \"issues\": [\"a\", \"b\"]}", benchBody, JSONFieldsReadingTests.readmeReport, everyField,
                        "\u{FEFF}" + JSONFieldsReadingTests.readmeReport, "{}", #"{"villages": []}"#]

    static func general(_ body: Data) -> Result<ReportSubmission, any Error> {
        Result { try CleanheatAPI.decodeSubmission(try JSONFields.parse(body), maxVillages: maxVillages, maxIssues: maxIssues) }
    }

    static func plain(_ body: Data) -> ReportSubmission? {
        ReportSubmission.readPlainBody(body, maxVillages: maxVillages, maxIssues: maxIssues)
    }

    /// The property every test here rests on: a body the fast path reads is one the general way reads the same.
    static func expectSameReading(_ body: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let fast = plain(body) else { return }
        switch general(body) {
        case .success(let submission):
            #expect(fast == submission, "\(String(decoding: body, as: UTF8.self))", sourceLocation: sourceLocation)
        case .failure(let error):
            Issue.record("read plainly, refused generally (\(error)): \(String(decoding: body, as: UTF8.self))", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: seeds)
    func plainBodiesTakeTheFastPathAndReadAsTheGeneralWayReadsThem(_ text: String) throws {
        let body = Data(text.utf8)
        let fast = try #require(Self.plain(body), "the fast path declined a plain body")
        #expect(fast == (try Self.general(body).get()))
    }

    @Test func theFastPathReadsWhatTheBodySays() throws {
        // Not only the same as the general way (which could share a mistake): the values themselves.
        let fast = try #require(Self.plain(Data(Self.everyField.utf8)))
        #expect(fast.date == LocalDate("2021-10-16"))
        #expect(fast.unit == "滋润乡")
        #expect(fast.villages.map(\.village) == ["v1", "v2"])
        #expect(fast.villages[0].counts == Funnel(confirmed: 4, signed: 3, installed: 2, accepted: 1, operating: 0))
        #expect(fast.villages[1].counts.confirmed == 3)
        #expect(fast.fuel == FuelDelivered(cleanCoalTons: 12, biomassTons: 1.25))
        #expect(fast.issues == [])
        #expect(fast.nextDayPlan == "明天\t继续 \"加油\"")
        #expect(fast.reporter == ReporterContact(name: "李四", phone: nil))
        #expect(fast.correction == "上次\n误报")
    }

    @Test(arguments: [
        // null, which the general way reads as absent, and every other shape outside the plain one
        #"{"date": null}"#, #"{"issues": null}"#, #"{"reporter": {"name": "a", "phone": null}}"#,
        #"{"date": "2021-10-15", "date": "2021-10-16"}"#, #"{"unit": "a", "extra": 1}"#,
        #"{"villages": [{"village": "v", "path": "gas", "confirmed": 1, "signed": 1, "installed": 1, "accepted": 1}]}"#,
        #"{"villages": [{"village": "v", "path": "gas", "confirmed": 1, "signed": 1, "installed": 1, "accepted": 1, "operating": 1, "operating": 1}]}"#,
        #"{"villages": [{"village": "v", "path": "gas", "confirmed": "1", "signed": 1, "installed": 1, "accepted": 1, "operating": 1}]}"#,
        #"{"villages": [{"village": "v", "path": "gas", "confirmed": 1.5, "signed": 1, "installed": 1, "accepted": 1, "operating": 1}]}"#,
        #"{"villages": [{"village": "v", "path": "gas", "confirmed": 9000000000000000, "signed": 1, "installed": 1, "accepted": 1, "operating": 1}]}"#,
        #"{"villages": [{"village": "v", "village": "w", "path": "gas", "confirmed": 1, "signed": 1, "installed": 1, "accepted": 1, "operating": 1}]}"#,
        #"{"villages": [{"village": "v", "path": "gas", "path": "gas", "confirmed": 1, "signed": 1, "installed": 1, "accepted": 1, "operating": 1}]}"#,
        #"{"fuel": {"cleanCoalTons": 1, "biomassTons": 1, "biomassTons": 2}}"#, #"{"reporter": {"name": "a", "name": "b"}}"#,
        #"{"reporter": {"name": "a", "phone": "1", "phone": "2"}}"#, #"{"reporter": {"name": "a", "email": "b"}}"#,
        #"{"villages": [1]}"#, #"{"villages": {}}"#, #"{"issues": ["a", 1]}"#, #"{"issues": ["a", "b", "c"]}"#,
        #"{"villages": [{}, {}, {}, {}]}"#, "{\"villages\": [\(PlainReportBodyTests.villages(4))]}", #"{"fuel": {"cleanCoalTons": 1}}"#, #"{"fuel": {"cleanCoalTons": 1, "biomassTons": 1e999}}"#,
        #"{"reporter": {"phone": "1"}}"#, #"{"date": "2021-02-30"}"#, #"{"date": 20211015}"#, #"{"unit": "a"} x"#,
        #"{"unit": "a",}"#, #"{"issues": ["a",]}"#, "", "[]", "{\"unit\": \"\u{1}\"}",
    ])
    func anythingOutsideThePlainShapeIsLeftToTheGeneralWay(_ text: String) {
        #expect(Self.plain(Data(text.utf8)) == nil)
    }

    /// Every body one edit away from the seeds: a byte dropped, or a token put in at any place. Each the fast path
    /// reads must read alike the general way; and some must be read (the property would hold for a path reading none).
    @Test func bodiesOneEditAwayReadAlikeWhereverTheFastPathReadsThem() {
        // Tokens, a control character, a byte that is never UTF-8 and the first byte of a two-byte character alone.
        let tokens = ["null", ",", "\"", "\\", " ", "1", "-", ".5", "e3", "}", "]", "{", "[", "\"x\":1,", "\u{7}"].map { Array($0.utf8) }
            + [[0xFF], [0xC3]]
        var read = 0, tried = 0
        for seed in [Self.benchBody, Self.everyField] {
            let bytes = Array(seed.utf8)
            var variants: [[UInt8]] = []
            for index in bytes.indices {
                var dropped = bytes
                dropped.remove(at: index)
                variants.append(dropped)
                for token in tokens { variants.append(Array(bytes[..<index]) + token + Array(bytes[index...])) }
            }
            for variant in variants {
                tried += 1
                let body = Data(variant)
                if Self.plain(body) != nil { read += 1 }
                Self.expectSameReading(body)
            }
        }
        #expect(read > tried / 20, "the fast path read \(read) of \(tried) variants")
    }
}
