import Foundation
import Testing
@testable import Domain

/// The hand-written bulletin JSON must be the same document as the bulletin's Encodable form.
@Suite struct BulletinJSONTests {
    @Test func sameDocumentAsTheEncoder() throws {
        var builder = try StateBuilder()
        try builder.village("xtp-dongcun", unit: "xiatuanpu", targets: ["household_electric": 320, "biomass": 40])
        try builder.village("zr-nancun", unit: "zirun", targets: ["biomass": 60])
        try builder.report("xiatuanpu", "2021-10-14", [("xtp-dongcun", "household_electric", [300, 280, 200, 150, 100])])
        try builder.report("xiatuanpu", "2021-10-15", [("xtp-dongcun", "household_electric", [320, 300, 250, 200, 180]),
                                                      ("xtp-dongcun", "biomass", [40, 30, 7, 3, 1])])
        try builder.report("zirun", "2021-10-15", [("zr-nancun", "biomass", [60, 50, 30, 20, 10])], status: .late,
                           fuel: FuelDelivered(cleanCoalTons: 0, biomassTons: 12.5), correction: "南村核减\"10\"户")
        let review = Review(state: .questioned, note: "安装数与验收数不符", by: "tok_office", at: builder.at)
        try builder.state.apply(LoggedChange(.reviewSet(unit: "zirun", date: day("2021-10-15"), review: review), audit: nil))
        let rules = CampaignRules()
        let state = builder.state
        for date in ["2021-10-15", "2021-10-16", "2021-07-01"] {
            let bulletin = Bulletin(date: day(date), state: state, season: state.season(containing: day(date)),
                                    paths: state.paths, rules: rules, generatedAt: builder.at)
            let fast = BulletinJSON.render(bulletin, time: rules.time)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .custom { date, encoder in
                var container = encoder.singleValueContainer()
                try container.encode(rules.time.rfc3339(date))
            }
            let reference = try encoder.encode(bulletin)
            let parsedFast = try #require(JSONSerialization.jsonObject(with: fast) as? NSDictionary)
            let parsedReference = try #require(JSONSerialization.jsonObject(with: reference) as? NSDictionary)
            #expect(parsedFast == parsedReference, "\(date)")
            #expect(String(decoding: fast, as: UTF8.self) == String(decoding: reference, as: UTF8.self), "\(date)")
        }
    }

    @Test func stringsAreEscaped() {
        var text = JSONText()
        text.string("a\"b\\c\nd\u{01}东/")
        #expect(String(decoding: text.bytes, as: UTF8.self) == #""a\"b\\c\nd\u0001东/""#)
    }

    /// Each character that needs an escape is found at every place in strings of 1 to 20 bytes (a scan that looks
    /// at several bytes at a time must find it within a word and in the tail), and its neighbours are copied.
    @Test(arguments: ["\u{00}", "\u{1F}", "\"", "\\", "\n"])
    func anEscapeIsFoundWhereverItStands(special: String) throws {
        for length in 1...20 {
            for position in 0..<length {
                let plain = (0..<length).map { $0 % 3 == 0 ? "东" : "x" }
                var characters = plain
                characters[position] = special
                let original = characters.joined()
                var text = JSONText()
                text.string(original)
                let parsed = try JSONSerialization.jsonObject(with: Data(text.bytes), options: .fragmentsAllowed) as? String
                #expect(parsed == original, "\(length) \(position)")
            }
        }
        // Bytes next to the escaped ones (space, !, #, [, ], DEL, and UTF-8 continuation bytes) are copied as they are.
        let neighbours = " !#[]\u{7F}é东😀 abcdefgh"
        var text = JSONText()
        text.string(neighbours)
        #expect(text.bytes == Array("\"\(neighbours)\"".utf8))
    }
}

/// The chat text and the CSV round a completion rate once: 2,649 of 100,000 is 2.6 %, not 2.7 % (it was rounded
/// to four decimals first, 0.0265, and then to one decimal of a percent).
@Suite struct BulletinRoundingTests {
    @Test func percentagesAreRoundedOnce() throws {
        var builder = try StateBuilder()
        try builder.village("zr-a", unit: "zirun", targets: ["biomass": 100_000])
        try builder.report("zirun", "2021-10-14", [("zr-a", "biomass", [5000, 4000, 2649, 2000, 1000])])
        let state = builder.state
        let bulletin = Bulletin(date: day("2021-10-14"), state: state, season: state.season(containing: day("2021-10-14")),
                                paths: state.paths, rules: CampaignRules(), generatedAt: builder.at)
        let zirun = try #require(bulletin.byUnit.first { $0.unit == "zirun" })
        #expect(zirun.figures.completionRate == 0.0265)
        #expect(BulletinText.render(bulletin).contains("滋润乡：完成率 2.6%"))
        #expect(BulletinCSV.render(bulletin).contains(",2.6%,"))
    }
}
