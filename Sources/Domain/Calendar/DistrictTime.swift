import Foundation

/// The district's wall clock: turns instants into local days and times in the configured zone
/// (default Asia/Shanghai), whatever the machine's own zone is.
public struct DistrictTime: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.timeZone = zone
    }

    // Plain arithmetic on the zone's offset rather than Calendar or ISO8601DateFormatter: both built ICU
    // objects on every call, which was a fifth of the CPU time of a report POST.

    /// Seconds since 1970-01-01T00:00 on the district's wall clock.
    private func wallSeconds(of instant: Date) -> Int {
        Int(instant.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: instant)
    }

    private static func split(_ wall: Int) -> (day: Int, second: Int) {
        let day = wall >= 0 ? wall / 86_400 : (wall - 86_399) / 86_400
        return (day, wall - day * 86_400)
    }

    public func localDate(of instant: Date) -> LocalDate {
        LocalDate(dayNumber: Self.split(wallSeconds(of: instant)).day)
    }

    /// The instant of `time` on `date` in the district.
    public func instant(on date: LocalDate, at time: TimeOfDay) -> Date {
        let wall = date.dayNumber * 86_400 + time.hour * 3_600 + time.minute * 60
        // The offset in force at that wall time: guess with the offset at the naive instant, then correct once.
        let guess = wall - timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall)))
        return Date(timeIntervalSince1970: TimeInterval(wall - timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(guess)))))
    }

    /// RFC 3339 with the district's offset, e.g. `2021-10-15T17:59:00+08:00` (`Z` when the offset is zero).
    public func rfc3339(_ instant: Date) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(25)
        appendRFC3339(instant, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// `rfc3339`'s text appended to `text` (a JSON receipt writes it in place, without a string of its own).
    public func appendRFC3339(_ instant: Date, to text: inout [UInt8]) {
        let offset = timeZone.secondsFromGMT(for: instant)
        let (day, second) = Self.split(Int(instant.timeIntervalSince1970.rounded(.down)) + offset)
        LocalDate(dayNumber: day).appendText(to: &text)
        text.append(UInt8(ascii: "T"))
        appendClockTime(second, to: &text)
        if offset == 0 {
            text.append(UInt8(ascii: "Z"))
        } else {
            let minutes = abs(offset) / 60
            text.append(UInt8(ascii: offset < 0 ? "-" : "+"))
            appendZeroPadded(minutes / 60, 2, to: &text)
            text.append(UInt8(ascii: ":"))
            appendZeroPadded(minutes % 60, 2, to: &text)
        }
    }

    private static let firstStorableDay = LocalDate(year: 1900, month: 1, day: 1)!.dayNumber
    private static let lastStorableDay = LocalDate(year: 9999, month: 12, day: 31)!.dayNumber

    /// Accepts RFC 3339 with an offset or `Z` (fractional seconds allowed).
    public static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var date = formatter.date(from: text)
        if date == nil {
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            date = formatter.date(from: text)
        }
        // Only instants whose day is one LocalDate can hold (1900-9999) in UTC and in any time zone, so a day
        // away from either end: `9999-12-31T23:59:59-01:00` is year 10000 in UTC, and a reopening until then made
        // every later snapshot unreadable; a test clock at 9999-12-31T20:00Z made the district's date 10000-01-01
        // and every later audit entry unreadable. Either way the server could not start again.
        guard let date else { return nil }
        let day = Timestamp.utcParts(date).day.dayNumber
        return day > Self.firstStorableDay && day < Self.lastStorableDay ? date : nil
    }

    /// `HH:MM` in the district.
    public func timeOfDay(of instant: Date) -> TimeOfDay {
        let second = Self.split(wallSeconds(of: instant)).second
        return TimeOfDay(hour: second / 3_600, minute: second % 3_600 / 60)
    }
}
public struct TimeOfDay: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int

    public init(hour: Int, minute: Int) {
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:MM`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public var description: String {
        var text: [UInt8] = []
        appendZeroPadded(hour, 2, to: &text)
        text.append(UInt8(ascii: ":"))
        appendZeroPadded(minute, 2, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool {
        (lhs.hour, lhs.minute) < (rhs.hour, rhs.minute)
    }
}
