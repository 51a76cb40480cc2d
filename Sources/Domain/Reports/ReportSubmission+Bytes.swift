import Foundation

/// A report body read straight from its bytes, for the body every township sends day after day: building the JSON
/// tree first, then reading the submission out of it and freeing the tree, was a fifth of an event loop's time per
/// report POST. Only the plain shape is read here: the known fields, each at most once, of the right types, no
/// `null`, lists within the limits, whole counts. Anything else gives nil, and the caller reads the body the general
/// way, which names every mistake. So this path never refuses a body, and what it reads is what that way reads: the
/// same parser's strings and numbers, the same whole-number and date rules.
extension ReportSubmission {
    public static func readPlainBody(_ body: Data, maxVillages: Int, maxIssues: Int) -> ReportSubmission? {
        body.withUnsafeBytes { raw in
            raw.withMemoryRebound(to: UInt8.self) { bytes in
                var reader = PlainReportReader(parser: JSONParser(bytes: bytes), maxVillages: maxVillages, maxIssues: maxIssues)
                return try? reader.read()
            }
        }
    }
}

/// Walks a report body with `JSONParser`'s own pieces; throws (any `JSONSyntaxError`) at the first thing outside
/// the plain shape, which the caller takes as "read it the general way".
private struct PlainReportReader {
    var parser: JSONParser
    let maxVillages: Int
    let maxIssues: Int

    private static let notPlain = JSONSyntaxError(offset: 0, reason: "not the plain shape")
    private static let fields = ["date", "unit", "villages", "fuel", "issues", "nextDayPlan", "reporter", "correction"]

    mutating func read() throws(JSONSyntaxError) -> ReportSubmission {
        parser.skipByteOrderMarkAndWhitespace()
        var submission = ReportSubmission()
        var seen = 0 // a bit per field of `fields`
        try members { reader, key throws(JSONSyntaxError) in
            guard let bit = Self.fields.firstIndex(of: key), seen & (1 << bit) == 0 else { throw Self.notPlain }
            seen |= 1 << bit
            switch key {
            case "date":
                guard let date = LocalDate(try reader.string()) else { throw Self.notPlain }
                submission.date = date
            case "unit": submission.unit = try reader.string()
            case "villages": submission.villages = try reader.villages()
            case "fuel": submission.fuel = try reader.fuel()
            case "issues": submission.issues = try reader.strings(limit: reader.maxIssues)
            case "nextDayPlan": submission.nextDayPlan = try reader.string()
            case "reporter": submission.reporter = try reader.reporter()
            case "correction": submission.correction = try reader.string()
            default: throw Self.notPlain
            }
        }
        try parser.expectEnd()
        return submission
    }

    private mutating func villages() throws(JSONSyntaxError) -> [VillageProgress] {
        var list: [VillageProgress] = []
        try elements { reader throws(JSONSyntaxError) in
            guard list.count < reader.maxVillages else { throw Self.notPlain }
            list.append(try reader.village())
        }
        return list
    }

    private mutating func village() throws(JSONSyntaxError) -> VillageProgress {
        var village: String?, path: String?
        var counts = Funnel()
        var countsSeen = 0
        try members { reader, key throws(JSONSyntaxError) in
            switch key {
            case "village" where village == nil: village = try reader.string()
            case "path" where path == nil: path = try reader.string()
            default:
                guard let index = Funnel.stages.firstIndex(where: { $0.field == key }), countsSeen & (1 << index) == 0 else {
                    throw Self.notPlain
                }
                countsSeen |= 1 << index
                counts[Funnel.stages[index]] = try reader.wholeNumber()
            }
        }
        guard let village, let path, countsSeen == (1 << Funnel.stages.count) - 1 else { throw Self.notPlain }
        return VillageProgress(village: village, path: path, counts: counts)
    }

    private mutating func fuel() throws(JSONSyntaxError) -> FuelDelivered {
        var cleanCoal: Double?, biomass: Double?
        try members { reader, key throws(JSONSyntaxError) in
            switch key {
            case "cleanCoalTons" where cleanCoal == nil: cleanCoal = try reader.finiteNumber()
            case "biomassTons" where biomass == nil: biomass = try reader.finiteNumber()
            default: throw Self.notPlain
            }
        }
        guard let cleanCoal, let biomass else { throw Self.notPlain }
        return FuelDelivered(cleanCoalTons: cleanCoal, biomassTons: biomass)
    }

    private mutating func reporter() throws(JSONSyntaxError) -> ReporterContact {
        var name: String?, phone: String?
        try members { reader, key throws(JSONSyntaxError) in
            switch key {
            case "name" where name == nil: name = try reader.string()
            case "phone" where phone == nil: phone = try reader.string()
            default: throw Self.notPlain
            }
        }
        guard let name else { throw Self.notPlain }
        return ReporterContact(name: name, phone: phone)
    }

    private mutating func strings(limit: Int) throws(JSONSyntaxError) -> [String] {
        var list: [String] = []
        try elements { reader throws(JSONSyntaxError) in
            guard list.count < limit else { throw Self.notPlain }
            list.append(try reader.string())
        }
        return list
    }

    // MARK: Values, through the parser's own reading of them

    private mutating func string() throws(JSONSyntaxError) -> String {
        guard try parser.peek() == UInt8(ascii: "\"") else { throw Self.notPlain }
        return try parser.parseString()
    }

    /// A count as `JSONFields.int` reads one: the parser's number, integral and below 9e15.
    private mutating func wholeNumber() throws(JSONSyntaxError) -> Int {
        guard let whole = JSONValue.wholeNumber(try number()) else { throw Self.notPlain }
        return whole
    }

    /// Tons as `JSONFields.double` reads them.
    private mutating func finiteNumber() throws(JSONSyntaxError) -> Double {
        let value = try number()
        guard value.isFinite else { throw Self.notPlain }
        return value
    }

    private mutating func number() throws(JSONSyntaxError) -> Double {
        let first = try parser.peek()
        guard first == UInt8(ascii: "-") || parser.isDigit(first) else { throw Self.notPlain }
        return try parser.parseNumber()
    }

    // MARK: Containers

    /// Each member of an object, the parser at its value when `member` is called (which must read the value).
    private mutating func members(_ member: (inout PlainReportReader, String) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        guard try parser.peek() == UInt8(ascii: "{") else { throw Self.notPlain }
        parser.position += 1
        parser.skipWhitespace()
        if try parser.peek() == UInt8(ascii: "}") { parser.position += 1; return }
        while true {
            let key = try string()
            parser.skipWhitespace()
            guard try parser.peek() == UInt8(ascii: ":") else { throw Self.notPlain }
            parser.position += 1
            parser.skipWhitespace()
            try member(&self, key)
            guard try moreFollow(before: UInt8(ascii: "}")) else { return }
        }
    }

    /// Each element of an array, the parser at it when `element` is called (which must read it).
    private mutating func elements(_ element: (inout PlainReportReader) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        guard try parser.peek() == UInt8(ascii: "[") else { throw Self.notPlain }
        parser.position += 1
        parser.skipWhitespace()
        if try parser.peek() == UInt8(ascii: "]") { parser.position += 1; return }
        while true {
            try element(&self)
            guard try moreFollow(before: UInt8(ascii: "]")) else { return }
        }
    }

    /// After a member or an element: true past a comma, false past the container's `closing` bracket.
    private mutating func moreFollow(before closing: UInt8) throws(JSONSyntaxError) -> Bool {
        parser.skipWhitespace()
        let next = try parser.peek()
        guard next == UInt8(ascii: ",") || next == closing else { throw Self.notPlain }
        parser.position += 1
        parser.skipWhitespace()
        return next == UInt8(ascii: ",")
    }
}
