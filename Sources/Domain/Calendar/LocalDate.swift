import Foundation

/// A calendar day in the district's time zone, `YYYY-MM-DD`. Arithmetic is on days since 1970-01-01,
/// so no time zone or clock is involved once a day is known.
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let dayNumber: Int

    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: year),
              (1900...9999).contains(year) else { return nil }
        self.dayNumber = LocalDate.daysFromCivil(year: year, month: month, day: day)
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var components: (year: Int, month: Int, day: Int) { LocalDate.civilFromDays(dayNumber) }

    public var description: String {
        var text: [UInt8] = []
        text.reserveCapacity(10)
        appendText(to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// `2021-10-15`, appended.
    func appendText(to text: inout [UInt8]) {
        let (y, m, d) = components
        appendZeroPadded(y, 4, to: &text)
        text.append(UInt8(ascii: "-"))
        appendZeroPadded(m, 2, to: &text)
        text.append(UInt8(ascii: "-"))
        appendZeroPadded(d, 2, to: &text)
    }

    /// `10月15日`, as a bulletin writes a day.
    public var chineseMonthDay: String {
        let (_, m, d) = components
        return "\(m)月\(d)日"
    }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// Ascending dates as a notice lists them: three or more consecutive days as one span ("10月14日至10月20日"),
    /// others one by one, separated by "、". Ninety missed days listed one by one made an 18 KB notice.
    public static func chineseList(_ dates: [LocalDate]) -> String {
        var parts: [String] = []
        var index = 0
        while index < dates.count {
            var end = index
            while end + 1 < dates.count, dates[end + 1].dayNumber == dates[end].dayNumber + 1 { end += 1 }
            if end - index >= 2 {
                parts.append("\(dates[index].chineseMonthDay)至\(dates[end].chineseMonthDay)")
            } else {
                parts += dates[index...end].map(\.chineseMonthDay)
            }
            index = end + 1
        }
        return parts.joined(separator: "、")
    }

    public static func - (lhs: LocalDate, rhs: LocalDate) -> Int { lhs.dayNumber - rhs.dayNumber }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD date: \(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Every day from `self` through `last`, inclusive.
    public func through(_ last: LocalDate) -> [LocalDate] {
        guard last >= self else { return [] }
        return (dayNumber...last.dayNumber).map(LocalDate.init(dayNumber:))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's civil-date algorithms: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// `value` in decimal, zero-padded to at least `width` digits, appended to `text`. Straight into one buffer:
/// `String(format:)` goes through CFString on Linux, and a string per part and their concatenations were a dozen
/// allocations per timestamp (every change, answer and snapshot has dates and timestamps).
/// The digits go to a buffer on the stack first, last digit first, and to `text` in one append: an append per digit
/// checked the array's uniqueness and capacity each time (a tenth of writing a receipt).
func appendZeroPadded(_ value: Int, _ width: Int, to text: inout [UInt8]) {
    if value < 0 { text.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    let capacity = max(20, width) // UInt.max has 20 digits
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { digits in
        var start = capacity
        repeat {
            start -= 1
            digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        while capacity - start < width {
            start -= 1
            digits[start] = UInt8(ascii: "0")
        }
        text.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
    }
}

/// `17:59:00` for a second of the day, appended: the clock time of every timestamp written.
func appendClockTime(_ secondOfDay: Int, to text: inout [UInt8]) {
    appendZeroPadded(secondOfDay / 3_600, 2, to: &text)
    text.append(UInt8(ascii: ":"))
    appendZeroPadded(secondOfDay % 3_600 / 60, 2, to: &text)
    text.append(UInt8(ascii: ":"))
    appendZeroPadded(secondOfDay % 60, 2, to: &text)
}
