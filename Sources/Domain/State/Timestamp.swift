import Foundation

/// Instants are kept to whole milliseconds, so a value logged, replayed and written to a snapshot
/// comes back exactly equal.
public enum Timestamp {
    public static func floor(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds(date)) / 1000)
    }

    /// The last whole millisecond at or before `date`, as `floor` makes its Date. Not `(seconds * 1000)
    /// .rounded(.down)`: Date keeps seconds since 2001, so a floored instant's seconds since 1970 times 1000 came
    /// out a hair below the millisecond for about one in eleven, and the instant moved back a millisecond every
    /// time it went through a snapshot's UTC text (the WAL keeps exact seconds since 2001).
    static func milliseconds(_ date: Date) -> Int64 {
        let nearest = Int64((date.timeIntervalSince1970 * 1000).rounded())
        return Date(timeIntervalSince1970: Double(nearest) / 1000) > date ? nearest - 1 : nearest
    }

    /// `2021-10-15T09:59:00.000Z`: readable in the snapshot files and exact.
    static func utcString(_ date: Date) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(24)
        appendUTC(date, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// `utcString`'s text, appended: a checkpoint writes one per revision and audit entry, and building each as a
    /// String was a tenth of writing the snapshot.
    static func appendUTC(_ date: Date, to text: inout [UInt8]) {
        let (day, secondOfDay, millisecond) = utcParts(date)
        day.appendText(to: &text)
        text.append(UInt8(ascii: "T"))
        appendClockTime(secondOfDay, to: &text)
        text.append(UInt8(ascii: "."))
        appendZeroPadded(millisecond, 3, to: &text)
        text.append(UInt8(ascii: "Z"))
    }

    /// The UTC day, second of that day and millisecond of an instant (floored, before 1970 too).
    static func utcParts(_ date: Date) -> (day: LocalDate, secondOfDay: Int, millisecond: Int) {
        let ms = milliseconds(date)
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let day = LocalDate(dayNumber: Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400))
        return (day, Int(seconds) - day.dayNumber * 86_400, Int(ms - seconds * 1000))
    }

    /// Exactly the shape `utcString` writes, read from its bytes: a restart reads one per revision and audit
    /// entry, and splitting the text into pieces was a fifth of loading a large snapshot.
    static func parseUTC(_ text: String) -> Date? {
        text.utf8.withContiguousStorageIfAvailable(parseUTC) ?? Array(text.utf8).withUnsafeBufferPointer(parseUTC)
    }

    private static let separators: [(offset: Int, byte: UInt8)] = [
        (4, UInt8(ascii: "-")), (7, UInt8(ascii: "-")), (10, UInt8(ascii: "T")), (13, UInt8(ascii: ":")),
        (16, UInt8(ascii: ":")), (19, UInt8(ascii: ".")), (23, UInt8(ascii: "Z")),
    ]

    private static func parseUTC(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count == 24, !separators.contains(where: { bytes[$0.offset] != $0.byte }) else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for byte in bytes[start..<(start + count)] {
                guard byte &- UInt8(ascii: "0") < 10 else { return nil }
                value = value * 10 + Int(byte &- UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let dayOfMonth = number(8, 2),
              let day = LocalDate(year: year, month: month, day: dayOfMonth),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2), let millisecond = number(20, 3),
              hour < 24, minute < 60, second < 60 else { return nil }
        let ms = (Int64(day.dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60 + second)) * 1000 + Int64(millisecond)
        return Date(timeIntervalSince1970: Double(ms) / 1000)
    }
}

extension JSONText {
    /// `Timestamp.utcString` in quotes, written as bytes.
    mutating func utcTimestamp(_ date: Date) {
        bytes.append(UInt8(ascii: "\""))
        Timestamp.appendUTC(date, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }
}
