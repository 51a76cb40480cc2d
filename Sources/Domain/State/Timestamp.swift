import Foundation

/// Instants are kept to whole milliseconds, so a value logged, replayed and written to a snapshot
/// comes back exactly equal.
public enum Timestamp {
    public static func floor(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds(date)) / 1000)
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// `2021-10-15T09:59:00.000Z`: readable in the snapshot files and exact.
    static func utcString(_ date: Date) -> String {
        let (day, secondOfDay, millisecond) = utcParts(date)
        return "\(day)T\(zeroPadded(secondOfDay / 3600, 2)):\(zeroPadded(secondOfDay / 60 % 60, 2)):"
            + "\(zeroPadded(secondOfDay % 60, 2)).\(zeroPadded(millisecond, 3))Z"
    }

    /// The UTC day, second of that day and millisecond of an instant (floored, before 1970 too).
    static func utcParts(_ date: Date) -> (day: LocalDate, secondOfDay: Int, millisecond: Int) {
        let ms = milliseconds(date)
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let day = LocalDate(dayNumber: Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400))
        return (day, Int(seconds) - day.dayNumber * 86_400, Int(ms - seconds * 1000))
    }

    static func parseUTC(_ text: String) -> Date? {
        // Exactly the shape utcString writes.
        guard text.count == 24, text.hasSuffix("Z"), let day = LocalDate(String(text.prefix(10))) else { return nil }
        let time = text.dropFirst(11).dropLast()
        let parts = time.split(whereSeparator: { $0 == ":" || $0 == "." }).compactMap { Int($0) }
        guard parts.count == 4 else { return nil }
        let ms = (Int64(day.dayNumber) * 86_400 + Int64(parts[0] * 3600 + parts[1] * 60 + parts[2])) * 1000 + Int64(parts[3])
        return Date(timeIntervalSince1970: Double(ms) / 1000)
    }
}

extension JSONText {
    /// `Timestamp.utcString` in quotes, written as bytes: a checkpoint writes one per revision and audit entry,
    /// and building each as a String was a tenth of writing the snapshot.
    mutating func utcTimestamp(_ date: Date) {
        let (day, secondOfDay, millisecond) = Timestamp.utcParts(date)
        let (year, month, dayOfMonth) = day.components
        guard (0...9999).contains(year) else { return string(Timestamp.utcString(date)) }
        bytes.append(UInt8(ascii: "\""))
        appendDigits(UInt(year), minimumWidth: 4)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt(month), minimumWidth: 2)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt(dayOfMonth), minimumWidth: 2)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(UInt(secondOfDay / 3600), minimumWidth: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(UInt(secondOfDay / 60 % 60), minimumWidth: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(UInt(secondOfDay % 60), minimumWidth: 2)
        bytes.append(UInt8(ascii: "."))
        appendDigits(UInt(millisecond), minimumWidth: 3)
        bytes.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
    }
}
