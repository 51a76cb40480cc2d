@testable import Domain
import Foundation
import Testing
@testable import API

private func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

private func syntaxError(_ bytes: [UInt8]) -> JSONSyntaxError? {
    do {
        _ = try JSONValue.parse(Data(bytes))
        return nil
    } catch {
        return error
    }
}

private func object(_ members: (String, JSONValue)...) -> JSONValue {
    .object(JSONObject(members: members.map { JSONObject.Member(key: $0.0, value: $0.1) }))
}

@Suite struct JSONValueTests {
    @Test func literalsNumbersAndContainers() throws {
        #expect(try parse("null") == .null)
        #expect(try parse(" \t\r\ntrue\n") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{ }") == object())
        #expect(try parse(#"[0, -0, 7, -12, 1.5, -0.25, 1e3, 2E-2, -12.5e+2, 123456789012345678901234567890, 1e-400]"#)
                == .array([.number(0), .number(-0.0), .number(7), .number(-12), .number(1.5), .number(-0.25), .number(1000),
                           .number(0.02), .number(-1250), .number(1.2345678901234568e29), .number(0)]))
        #expect(try parse("9007199254740993") == .number(9_007_199_254_740_992))
        #expect(try parse("0.1") == .number(0.1))
    }

    /// Expected values from a correctly rounding strtod (Python's float agrees); JSONSerialization misses the first three.
    @Test(arguments: [
        ("8999999999999999.000000000000000000001", 8_999_999_999_999_999.0), ("0.000000000000000000001", 1e-21),
        ("507215.000000000000000000001", 507_215.0), ("9007199254740993", 9_007_199_254_740_992.0),
        ("9007199254740995", 9_007_199_254_740_996.0), ("2.2250738585072011e-308", Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)),
        ("4.9e-324", .leastNonzeroMagnitude), ("1.7976931348623157e308", .greatestFiniteMagnitude),
        ("123456789012345", 123_456_789_012_345), ("-999999999999999", -999_999_999_999_999), ("1e-400", 0),
    ] as [(String, Double)])
    func numbersAreCorrectlyRounded(text: String, expected: Double) throws {
        #expect(try parse(text) == .number(expected))
    }

    /// The integer fast path and the grammar against the standard library's reading of the same text.
    @Test func generatedNumbersReadAsTheStandardLibraryReadsThem() throws {
        var generator = JSONTextGenerator(seed: 7)
        for _ in 0..<3_000 {
            let text = generator.number()
            let expected = try #require(Double(text), "\(text)")
            if expected.isFinite {
                #expect(try parse(text) == .number(expected), "\(text)")
            } else {
                #expect(throws: JSONSyntaxError.self, "\(text)") { try parse(text) }
            }
        }
    }

    @Test func aLeadingByteOrderMarkIsIgnored() throws {
        #expect(try parse("\u{FEFF}{\"a\": 1}") == object(("a", .number(1))))
        #expect(try parse("\u{FEFF} [] ") == .array([]))
    }

    @Test func objectsKeepTheirMembersInOrder() throws {
        let value = try parse(#"{"z": 1, "a": [true, null, {"": "empty key"}], "m": {"n": {}}}"#)
        #expect(value == object(("z", .number(1)),
                                ("a", .array([.bool(true), .null, object(("", .string("empty key")))])),
                                ("m", object(("n", object())))))
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.keys == ["z", "a", "m"])
        #expect(members["a"] != nil && members["missing"] == nil)
    }

    @Test func stringsWithEscapesAndRawUTF8() throws {
        #expect(try parse(#""\" \\ \/ \b \f \n \r \t""#) == .string("\" \\ / \u{8} \u{C} \n \r \t"))
        #expect(try parse(#""\u00e9\u4E1C\u0000\u001f""#) == .string("é东\u{0}\u{1F}"))
        #expect(try parse(#""\uD83D\uDE00 = 😀""#) == .string("😀 = 😀"))
        #expect(try parse("\"东村变压器\u{7F}\"") == .string("东村变压器\u{7F}"))
        #expect(try parse(#""plain ascii""#) == .string("plain ascii"))
        // Precomposed and decomposed é stay distinct scalars.
        guard case .string(let text) = try parse(#""e\u0301""#) else { Issue.record("not a string"); return }
        #expect(Array(text.unicodeScalars) == ["e", "\u{301}"])
    }

    /// Each rule of RFC 8259 we hold to, with where the parser says the body goes wrong.
    @Test(arguments: [
        // Grammar: no trailing commas, comments, single quotes, bare keys, missing separators.
        ("[1,]", 3, "最后一个元素后不能有逗号"), (#"{"a":1,}"#, 7, "最后一个字段后不能有逗号"),
        ("[1 /* c */]", 3, "数组元素之间应为逗号"), ("[1] // c", 4, "多余的内容"),
        ("['a']", 1, "应为一个值"), ("{a:1}", 1, "带双引号的字段名"), ("{,}", 1, "带双引号的字段名"),
        ("[,1]", 1, "应为一个值"), (#"{"a" 1}"#, 5, "冒号"), ("[1 2]", 3, "数组元素之间应为逗号"),
        (#"{"a":1 "b":2}"#, 7, "字段之间应为逗号"), ("[", 1, "意外结束"), (#"{"a":"#, 5, "意外结束"), ("[1,", 3, "意外结束"),
        // Numbers: no leading zeros, NaN, Infinity, plus sign, bare dot or exponent, nothing out of Double's range.
        ("[01]", 1, "不能以 0 开头"), ("[-01]", 1, "不能以 0 开头"), ("[00.5]", 1, "不能以 0 开头"),
        ("[NaN]", 1, "应为一个值"), ("[Infinity]", 1, "应为一个值"), ("[-Infinity]", 2, "负号后应为数字"),
        ("[+1]", 1, "应为一个值"), ("[.5]", 1, "应为一个值"), ("[1.]", 3, "小数点后应为数字"),
        ("[1e]", 3, "指数符号后应为数字"), ("[1e+]", 4, "指数符号后应为数字"), ("[-]", 2, "负号后应为数字"),
        ("[1E400]", 1, "超出范围"), ("[-1e400]", 1, "超出范围"), ("[1.5.3]", 4, "数组元素之间应为逗号"),
        // Literals are lower case and whole.
        ("[tru]", 4, "应为 true"), ("True", 0, "应为一个值"), ("nulll", 4, "多余的内容"), ("[fals]", 5, "应为 false"),
        // Strings: escapes from the list only, \u with four hex digits, surrogates only in pairs.
        (#"["\x"]"#, 2, "无效的转义"), (#"["\U0041"]"#, 2, "无效的转义"), (#"["\'"]"#, 2, "无效的转义"),
        (#"["\u12"]"#, 2, "4 位十六进制"), (#"["\uZZZZ"]"#, 2, "4 位十六进制"),
        (#"["\uD800"]"#, 2, "不成对"), (#"["\uDC00"]"#, 2, "不成对"), (#"["\uD800\u0041"]"#, 2, "不成对"),
        (#"["\uD800x"]"#, 2, "不成对"), (#"["\uDBFF\uDBFF"]"#, 2, "不成对"),
        ("\"abc", 0, "缺少结尾的双引号"), (#"{"a"#, 1, "缺少结尾的双引号"),
        // Whitespace is space, tab, LF and CR only; nothing but whitespace after the value.
        ("[1\u{0C}]", 2, "数组元素之间应为逗号"), ("[1\u{0B}]", 2, "数组元素之间应为逗号"),
        ("[1\u{A0}]", 2, "数组元素之间应为逗号"), ("[1\u{2028}]", 2, "数组元素之间应为逗号"),
        ("[\u{FEFF}1]", 1, "应为一个值"), ("\u{FEFF}\u{FEFF}{}", 3, "应为一个值"),
        ("{\"a\":1，\"b\":2}", 6, "却是 “，”（非 ASCII 字符"), ("{“a”:1}", 1, "却是 ““”"),
        ("{} x", 3, "多余的内容"), ("{}{}", 2, "多余的内容"), ("1 2", 2, "多余的内容"), ("{}\u{0}", 2, "多余的内容"),
        ("", 0, "意外结束"), ("   ", 3, "意外结束"),
        // Duplicate keys are refused, named; canonically equivalent keys count as the same key.
        (#"{"a":1,"a":2}"#, 7, "“a”"), (#"{"x":{"b":1},"y":{"b":2,"b":3}}"#, 24, "“b”"),
        ("{\"\u{E9}\":1,\"e\u{301}\":2}", 8, "重复"),
    ] as [(String, Int, String)])
    func refusesWithOffsetAndReason(input: String, offset: Int, reason: String) throws {
        let error = try #require(syntaxError(Array(input.utf8)))
        #expect(error.offset == offset)
        #expect(error.reason.contains(reason), "\(error)")
    }

    @Test(arguments: [
        ("tab", [0x09]), ("line feed", [0x0A]), ("NUL", [0x00]), ("unit separator", [0x1F]),
        ("lone FF", [0xFF]), ("lone continuation", [0x80]), ("overlong slash", [0xC0, 0xAF]),
        ("overlong 3-byte", [0xE0, 0x80, 0x80]), ("encoded surrogate", [0xED, 0xA0, 0x80]),
        ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]), ("F5 lead", [0xF5, 0x80, 0x80, 0x80]),
        ("cut before quote", [0xE4, 0xB8]), ("cut 4-byte", [0xF0, 0x9F, 0x98]),
    ] as [(String, [UInt8])])
    func refusesControlCharactersAndInvalidUTF8InStrings(name: String, raw: [UInt8]) throws {
        let error = try #require(syntaxError(Array(#"[""#.utf8) + raw + Array(#""]"#.utf8)))
        #expect(error.offset == 2, "\(name)")
        #expect(error.reason.contains(raw[0] < 0x20 ? "控制字符" : "UTF-8"), "\(name): \(error)")
    }

    @Test func invalidUTF8AtTheVeryEnd() throws {
        let error = try #require(syntaxError(Array(#"{"a":""#.utf8) + [0xE4, 0xB8]))
        #expect(error.offset == 6 && error.reason.contains("UTF-8"))
    }

    @Test func largeObjectsAreIndexedAndCheckedForDuplicatesToo() throws {
        let members = (0..<40).map { #""k\#($0)": \#($0)"# }
        let value = try parse("{\(members.joined(separator: ","))}")
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object["k0"] == .number(0) && object["k16"] == .number(16) && object["k39"] == .number(39) && object["k40"] == nil)
        #expect(value == .object(JSONObject(members: (0..<40).map { .init(key: "k\($0)", value: .number(Double($0))) })))
        let error = try #require(syntaxError(Array("{\(members.joined(separator: ",")), \"k7\": 0}".utf8)))
        #expect(error.reason.contains("“k7”"))
    }

    @Test func nestingIsLimitedWithoutExhaustingTheStack() throws {
        let limit = JSONValue.maximumNestingDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(syntaxError(Array(deepest.utf8)) == nil)
        let tooDeep = try #require(syntaxError(Array(("[" + deepest + "]").utf8)))
        #expect(tooDeep.offset == limit && tooDeep.reason.contains("嵌套"))
        // A 1 MiB body of openers, arrays or objects, is refused at the limit, not by a crash.
        for opener in ["[", #"{"a":"#] {
            let hostile = String(repeating: opener, count: (1 << 20) / opener.utf8.count)
            let error = try #require(syntaxError(Array(hostile.utf8)))
            #expect(error.offset == limit * opener.utf8.count && error.reason.contains("嵌套"))
        }
    }

    @Test func malformedBodyMessageNamesReasonAndOffset() {
        #expect(JSONFieldsReadingTests.outcome(#"{"a":1,}"#) == "malformed: 请求体不是合法的 JSON：对象的最后一个字段后不能有逗号（字节偏移 7）")
        #expect(JSONFieldsReadingTests.outcome(#"{"date":"x","date":"y"}"#)
                == "malformed: 请求体不是合法的 JSON：字段 “date” 在同一对象中重复出现（字节偏移 12）")
    }
}

/// Our parser and Foundation's JSONSerialization, fed the same bytes, must agree on valid or invalid and on the
/// values, except where JSONSerialization takes what RFC 8259 (or our stricter reading of it) refuses.
@Suite struct JSONValueDifferentialTests {
    /// The refusals of ours that JSONSerialization accepts, by the reason ours gives. Any other disagreement fails.
    static let knownExceptions: [(rule: String, reason: String)] = [
        ("a comma after the last element or member", "不能有逗号"),
        ("duplicate keys, also canonically equivalent ones (JSONSerialization keeps the last)", "重复出现"),
        ("nesting deeper than our 64 levels (JSONSerialization allows 512)", "嵌套"),
    ]

    /// Inputs JSONSerialization (swift-corelibs-foundation) accepts and we refuse, with our reason.
    static let exceptionCases: [([UInt8], String)] = [
        (Array("[1,]".utf8), "不能有逗号"),
        (Array(#"{"a":1,}"#.utf8), "不能有逗号"),
        (Array(#"{"a":1,"a":2}"#.utf8), "重复出现"),
        (Array("{\"\u{E9}\":1,\"e\u{301}\":2}".utf8), "重复出现"),
        (Array((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8), "嵌套"),
        // JSONSerialization converts a number only when it builds the result, so one out of range under a key
        // that a duplicate overwrites goes unnoticed; we stop at the number.
        (Array(#"{"a":1e400,"a":1}"#.utf8), "超出范围"),
        // JSONSerialization also reads UTF-16 and UTF-32; RFC 8259 §8.1 says JSON on the wire is UTF-8.
        (Array("[1]".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), "应为一个值"),
    ]

    static let cornerCases: [String] = [
        "0", "-0", "-0.0", "1.0", "1e5", "1E+5", "-1.5e-5", "123456789012345678901234567890", "1e-400", "4.9e-324",
        "1.7976931348623157e308", "9007199254740993", "-9223372036854775809", "18446744073709551616", "0.1", "[]", "{}",
        #"{"a":[1,{"b":null}],"c":"d"}"#, #""\u0000""#, #""\uD83D\uDE00""#, #""\u00e9""#, "\"é\"", #""e\u0301""#,
        " \t\n\r[ 1 , 2 ]\r\n", "\"\u{7F}\"", #""\/""#, "\"\u{10FFFF}\"", "\"\u{FFFF}\"", #""\uFFFF""#, #""\uDBFF\uDFFF""#,
        "[01]", "[1.]", "[.5]", "[+1]", "[NaN]", "[Infinity]", "[1e400]", "[-1e400]", "tru", "nul", "[1 2]", #"{"a" 1}"#,
        "{a:1}", "['a']", #""\uD800""#, #""\uDC00""#, #""\uD800\uD800""#, #""\x""#, #""\u12""#, "\"\t\"", "\"\n\"", "", "  ",
        "{} x", "[1\u{0C}]", "[\u{A0}1]", "[1] // c", "/* */[]", "[1,,2]", "[,]", "{:1}", #"{"a":}"#, #"{"a"}"#, "]", "}",
        #""unterminated"#, "-", "--1", "1-", "0x10", "1_000", "[true false]", "nulll", "[-0e0]", "[1e+0]", "[0e]",
    ]

    @Test func knownExceptionsAreRefusedForTheirReason() throws {
        for (input, reason) in Self.exceptionCases {
            let error = try #require(Self.ours(input).refusal, "\(input)")
            #expect(error.reason.contains(reason), "\(error)")
        }
    }

    @Test func cornerCasesAgree() {
        let mismatches = Self.cornerCases.compactMap { Self.disagreement(on: Array($0.utf8)) }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    /// The streaming reader of snapshot files against the whole-document parser, on the same inputs: the same
    /// elements in the same order when the text is an array, an error whenever it is anything else.
    @Test func arraysReadElementByElementAsWhole() throws {
        var generator = JSONTextGenerator(seed: 2021_11_15)
        let deepest = String(repeating: "[", count: JSONValue.maximumNestingDepth) + String(repeating: "]", count: JSONValue.maximumNestingDepth)
        var inputs = ["[]", " [ 1 , [2], {\"a\": [3]} ] ", "\u{FEFF}[true]", "[1,]", "[1 2]", "[1]x", "{}", "1", "[", "",
                      deepest, "[" + deepest + "]"].map { Array($0.utf8) }
        for _ in 0..<500 {
            let array = Array(("[" + (0..<Int.random(in: 0...4)).map { _ in generator.document() }.joined(separator: ",") + "]").utf8)
            inputs += [array, generator.mutate(array)]
        }
        var arrays = 0
        for input in inputs {
            var streamed: [JSONValue] = []
            let outcome = Result { try JSONValue.forEachElement(ofArray: Data(input)) { streamed.append($0); return true } }
            switch try? JSONValue.parse(Data(input)) {
            case .array(let whole)?:
                arrays += 1
                #expect((try? outcome.get()) == true && streamed == whole, "\(Self.show(input))")
            default:
                #expect((try? outcome.get()) == nil, "\(Self.show(input))")
            }
        }
        #expect(arrays > 300)
        // A declined element stops the reading: the rest, malformed or not, is never looked at.
        var seen = 0
        #expect(try JSONValue.forEachElement(ofArray: Data("[1, 2, 3, oops".utf8)) { _ in seen += 1; return seen < 2 } == false)
        #expect(seen == 2)
    }

    @Test func generatedAndMutatedDocumentsAgree() {
        var generator = JSONTextGenerator(seed: 2021_10_15)
        var inputs: [[UInt8]] = []
        for _ in 0..<1_500 {
            let document = Array(generator.document().utf8)
            inputs.append(document)
            inputs.append(generator.mutate(document))
            inputs.append(generator.mutate(generator.mutate(document)))
        }
        var tally = (bothAccepted: 0, bothRefused: 0, knownException: 0)
        var mismatches: [String] = []
        for input in inputs {
            switch (Self.ours(input), Self.foundation(input)) {
            case (.accepted(let ours), .accepted(let theirs)):
                if Self.same(ours, theirs) { tally.bothAccepted += 1 } else { mismatches.append("values differ: \(Self.show(input))\n  ours   \(ours)\n  theirs \(theirs)") }
            case (.refused, .refused):
                tally.bothRefused += 1
            case (.refused(let error), .accepted):
                if Self.isKnownException(error, in: input) { tally.knownException += 1 } else { mismatches.append("only ours refuses (\(error)): \(Self.show(input))") }
            case (.accepted, .refused(let error)):
                mismatches.append("only JSONSerialization refuses (\(error)): \(Self.show(input))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.prefix(10).joined(separator: "\n"))")
        // Enough of each kind that the comparison means something.
        #expect(tally.bothAccepted > 1_000 && tally.bothRefused > 1_000 && tally.knownException > 50, "\(tally)")
    }

    static func isKnownException(_ error: JSONSyntaxError, in input: [UInt8]) -> Bool {
        if knownExceptions.contains(where: { error.reason.contains($0.reason) }) { return true }
        // An out-of-range number: known only if a duplicate key hid it from JSONSerialization (see exceptionCases).
        guard error.reason.contains("超出范围") else { return false }
        let numberEnd = input[error.offset...].firstIndex { !Array("+-.0123456789eE".utf8).contains($0) } ?? input.endIndex
        var tamed = input
        tamed.replaceSubrange(error.offset..<numberEnd, with: [UInt8(ascii: "0")])
        guard case .refused(let tamedError) = ours(tamed) else { return false }
        return isKnownException(tamedError, in: tamed)
    }

    // MARK: Both parsers, compared alike

    enum Verdict {
        case accepted(JSONValue)
        case refused(JSONSyntaxError)

        var refusal: JSONSyntaxError? { if case .refused(let error) = self { error } else { nil } }
    }

    static func disagreement(on input: [UInt8]) -> String? {
        switch (ours(input), foundation(input)) {
        case (.accepted(let a), .accepted(let b)) where same(a, b): nil
        case (.refused, .refused): nil
        case let (ours, theirs): "\(show(input)): ours \(ours), JSONSerialization \(theirs)"
        }
    }

    static func ours(_ input: [UInt8]) -> Verdict {
        do { return .accepted(try JSONValue.parse(Data(input))) } catch { return .refused(error) }
    }

    static func foundation(_ input: [UInt8]) -> Verdict {
        do {
            return .accepted(value(foundation: try JSONSerialization.jsonObject(with: Data(input), options: [.fragmentsAllowed])))
        } catch {
            return .refused(JSONSyntaxError(offset: -1, reason: "\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error)"))
        }
    }

    static func value(foundation value: Any) -> JSONValue {
        switch value {
        case is NSNull: .null
        case let text as String: .string(text)
        case let number as NSNumber: ConfigReader.isBool(number) ? .bool(number.boolValue) : .number(number.doubleValue)
        case let elements as [Any]: .array(elements.map { Self.value(foundation: $0) })
        case let object as [String: Any]: .object(JSONObject(members: object.map { .init(key: $0.key, value: Self.value(foundation: $0.value)) }))
        default: .string("unexpected \(type(of: value))")
        }
    }

    /// Strings by their scalars (String's == equates é with e + U+0301); object members in any order; numbers
    /// to within a few ulps, because corelibs' JSONSerialization rounds mantissas of more than about 19 digits
    /// inexactly (8999999999999999.000000000000000000001 reads as 9000000000000003). Ours must be exact: see
    /// `numbersAreCorrectlyRounded`.
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case let (.bool(x), .bool(y)): x == y
        case let (.number(x), .number(y)): x == y || abs(x - y) <= 2e-15 * max(abs(x), abs(y))
        case let (.string(x), .string(y)): x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case let (.array(x), .array(y)): x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case let (.object(x), .object(y)):
            x.members.count == y.members.count && zip(sorted(x), sorted(y)).allSatisfy {
                $0.key.unicodeScalars.elementsEqual($1.key.unicodeScalars) && same($0.value, $1.value)
            }
        default: false
        }
    }

    static func sorted(_ object: JSONObject) -> [JSONObject.Member] {
        object.members.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
    }

    static func show(_ input: [UInt8]) -> String {
        String(decoding: input, as: UTF8.self).debugDescription + " \(input.count) bytes"
    }
}

/// Random JSON texts from a seed, so a failure replays: values of every kind with awkward numbers, escapes and
/// multi-byte characters, keys that sometimes collide; and byte-level mutations of them, mostly invalid.
struct JSONTextGenerator {
    /// SplitMix64: tiny, seedable, good enough to pick test cases.
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(state: seed) }

    mutating func below(_ bound: Int) -> Int { Int.random(in: 0..<bound, using: &random) }
    mutating func pick<T>(_ options: [T]) -> T { options[below(options.count)] }

    mutating func document() -> String { whitespace() + value(depth: 0) + whitespace() }

    mutating func whitespace() -> String { pick(["", "", "", " ", " ", "\n  ", "\t", "\r\n"]) }

    mutating func value(depth: Int) -> String {
        switch below(depth < 4 ? 9 : 5) {
        case 0: return pick(["null", "true", "false"])
        case 1, 2: return number()
        case 3, 4: return string()
        case 5, 6: return object(depth: depth + 1)
        default: return array(depth: depth + 1)
        }
    }

    mutating func number() -> String {
        let sign = pick(["", "", "-"])
        let integer = pick(["0", "\(below(10))", "\(below(1_000_000))", "\(UInt64.random(in: 1...UInt64.max, using: &random))",
                            "9007199254740993", "8999999999999999", "123456789012345678901234567890"])
        let fraction = pick(["", "", "", ".\(below(100_000))", ".5", ".0", ".000000000000000000001"])
        let exponent = pick(["", "", "", "", "e\(below(61) - 30)", "E+2", "e-0", "e308", "e-320", "E400"])
        return sign + integer + fraction + exponent
    }

    mutating func string() -> String {
        let pieces = ["a", "Z", " ", "东村", "😀", "é", "e\u{301}", #"\""#, #"\\"#, #"\/"#, #"\b"#, #"\f"#, #"\n"#, #"\r"#,
                      #"\t"#, #"\u00e9"#, #"\u4E1C"#, #"\uD83D\uDE00"#, #"\u0000"#, #"\u001F"#, "\u{7F}", #"\uFFFF"#, "\u{10FFFF}"]
        return "\"" + (0..<below(6)).map { _ in pick(pieces) }.joined() + "\""
    }

    mutating func object(depth: Int) -> String {
        // A few of these collide: "a" and "\u0061" are one key, and so are "é" and "e\u0301".
        let keys = ["a", "b", "c", "d", "date", "村", "k1", "k2", "k3", "", "é", "village", "path", #"\u0061"#, "e\u{301}", "x"]
        let members = (0..<below(5)).map { _ in whitespace() + "\"\(pick(keys))\"" + whitespace() + ":" + whitespace() + value(depth: depth) + whitespace() }
        return "{" + (members.isEmpty ? whitespace() : members.joined(separator: ",")) + "}"
    }

    mutating func array(depth: Int) -> String {
        let elements = (0..<below(5)).map { _ in whitespace() + value(depth: depth) + whitespace() }
        return "[" + (elements.isEmpty ? whitespace() : elements.joined(separator: ",")) + "]"
    }

    /// One small damage: a byte deleted, inserted, replaced or doubled, two swapped, or the text cut short.
    mutating func mutate(_ text: [UInt8]) -> [UInt8] {
        guard !text.isEmpty else { return [pick(Self.awkwardBytes)] }
        var bytes = text
        let at = below(bytes.count)
        switch below(6) {
        case 0: bytes.remove(at: at)
        case 1: bytes.insert(pick(Self.awkwardBytes), at: at)
        case 2: bytes[at] = pick(Self.awkwardBytes)
        case 3: bytes.insert(bytes[at], at: at)
        case 4: bytes.swapAt(at, below(bytes.count))
        default: bytes.removeLast(bytes.count - at)
        }
        return bytes
    }

    static let awkwardBytes: [UInt8] = Array(#",:[]{}"\/0123456789-+.eEtfnulxu aD"#.utf8)
        + [0x00, 0x01, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1F, 0x7F, 0x80, 0xA0, 0xBF, 0xC0, 0xC3, 0xE4, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF]
}


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
        (report(village: #""installed": 9000000000000000"#), "villages[0].installed: villages[0].installed 超出范围：须为绝对值小于 9000000000000000 的整数"),
        (report(village: #""installed": 2.5"#), "villages[0].installed: villages[0].installed 须为整数"),
        (report(village: #""installed": true"#), "villages[0].installed: villages[0].installed 须为整数"),
        (report(village: #""installed": "250""#), "villages[0].installed: villages[0].installed 须为整数，不要加引号：写 250，不写 \"250\""),
        (report(village: #""installed": null"#), "villages[0].installed: 缺少必填字段 villages[0].installed"),
        // Every field at fault at once: the misspelt one and the one it leaves missing.
        (report(village: #""instaled": 250"#), "villages[0].instaled,villages[0].installed: 请求体有 2 处错误"),
        (report(rest: #", "fuel": {"cleanCoalTons": 1.5e1, "biomassTons": 0}"#), "ok 250 fuel 15.0"),
        (report(rest: #", "fuel": {"cleanCoalTons": 1.5e1}"#), "fuel.biomassTons: 缺少必填字段 fuel.biomassTons"),
        (report(rest: #", "fuel": null"#), "ok 250 fuel -"),
        (report(rest: #", "fuel": {"cleanCoalTons": false}"#), "fuel.cleanCoalTons,fuel.biomassTons: 请求体有 2 处错误"),
        (#"{"villages": [{"village": "v1", "path": "biomass", "confirmed": 5, "signed": 4, "installed": 3}]}"#,
         "villages[0].accepted,villages[0].operating: 请求体有 2 处错误"),
        (report(rest: #", "fuel": {"cleanCoalTons": "120.5", "biomassTons": 0}"#), "fuel.cleanCoalTons: fuel.cleanCoalTons 须为数字，不要加引号：写 120.5，不写 \"120.5\""),
        // The hint to drop the quotes only where the text unquoted is JSON: NaN or +1 unquoted is no JSON at all.
        (report(rest: #", "fuel": {"cleanCoalTons": 0, "biomassTons": "NaN"}"#), "fuel.biomassTons: fuel.biomassTons 须为数字"),
        (report(rest: #", "fuel": {"cleanCoalTons": 0, "biomassTons": "Infinity"}"#), "fuel.biomassTons: fuel.biomassTons 须为数字"),
        (report(village: #""installed": "+250""#), "villages[0].installed: villages[0].installed 须为整数"),
        (report(village: #""installed": "2.5""#), "villages[0].installed: villages[0].installed 须为整数"),
        (report(village: #""installed": " 25e1 ""#), "villages[0].installed: villages[0].installed 须为整数，不要加引号：写 25e1，不写 \" 25e1 \""),
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
