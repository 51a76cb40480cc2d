import Foundation

/// Appends JSON text; callers write object keys in the order they want them.
///
/// `pretty` lays the text out exactly as JSONEncoder's `.prettyPrinted` does (two-space indent, `"key" : value`,
/// an empty container as an opening and a closing line with a blank line between), so a file written either way
/// reads the same; tests hold the two byte-equal.
public struct JSONText: Sendable {
    public init(pretty: Bool = false) {
        self.pretty = pretty
    }

    public var bytes: [UInt8] = []
    private let pretty: Bool
    private var depth = 0
    private var needsComma = false

    public mutating func object(_ body: (inout JSONText) throws -> Void) rethrows {
        open(UInt8(ascii: "{"))
        try body(&self)
        close(UInt8(ascii: "}"))
    }

    public mutating func key(_ name: String, _ value: (inout JSONText) throws -> Void) rethrows {
        startMember()
        appendString(name)
        if pretty {
            bytes.append(contentsOf: [0x20, UInt8(ascii: ":"), 0x20])
        } else {
            bytes.append(UInt8(ascii: ":"))
        }
        needsComma = false
        try value(&self)
        needsComma = true
    }

    public mutating func array<T>(_ items: some Sequence<T>, _ element: (T, inout JSONText) throws -> Void) rethrows {
        open(UInt8(ascii: "["))
        for item in items {
            startMember()
            needsComma = false
            try element(item, &self)
            needsComma = true
        }
        close(UInt8(ascii: "]"))
    }

    private mutating func open(_ bracket: UInt8) {
        bytes.append(bracket)
        if pretty {
            bytes.append(0x0A)
            depth += 1
        }
        needsComma = false
    }

    private mutating func startMember() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        if pretty {
            if needsComma { bytes.append(0x0A) }
            indent()
        }
    }

    private mutating func close(_ bracket: UInt8) {
        if pretty {
            depth -= 1
            bytes.append(0x0A)
            indent()
        }
        bytes.append(bracket)
        needsComma = true
    }

    private mutating func indent() {
        bytes.append(contentsOf: repeatElement(0x20, count: depth * 2))
    }

    public mutating func string(_ value: String) { appendString(value) }
    /// Digits appended in place: `String(value)` allocated a string for every number of every record.
    public mutating func int(_ value: Int) { appendZeroPadded(value, 1, to: &bytes) }

    /// An instant as `DistrictTime.rfc3339` writes it, in quotes, appended in place.
    public mutating func rfc3339(_ instant: Date, in time: DistrictTime) {
        bytes.append(UInt8(ascii: "\""))
        time.appendRFC3339(instant, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"2021-10-15"`, its digits appended in place (a date's text made as a String was 2 % of a report POST).
    public mutating func date(_ value: LocalDate) {
        bytes.append(UInt8(ascii: "\""))
        value.appendText(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }
    public mutating func bool(_ value: Bool) { bytes.append(contentsOf: (value ? "true" : "false").utf8) }
    public mutating func null() { bytes.append(contentsOf: "null".utf8) }
    /// Seconds since 2001-01-01, as JSONEncoder's default date strategy writes (and JSONDecoder's reads) them.
    public mutating func referenceDate(_ date: Date) { double(date.timeIntervalSinceReferenceDate) }

    /// Shortest form that reads back exactly; whole numbers without a fraction, as JSONEncoder writes them.
    public mutating func double(_ value: Double) {
        if value == value.rounded(), abs(value) < 1e15, value != 0 || value.sign == .plus {
            int(Int(value))
        } else {
            // JSONEncoder's rule: the shortest description, without a trailing ".0" (`-0`, `1000000000000000`).
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            bytes.append(contentsOf: text.utf8)
        }
    }

    private mutating func appendString(_ value: String) {
        // The bytes borrowed where they are (a native string's, all of ours): `withUTF8` on a copy of the string
        // retained and released it for every string written, most of the cost of writing the ledgers at a checkpoint.
        if value.utf8.withContiguousStorageIfAvailable({ appendQuoted($0) }) != nil { return }
        var copy = value
        copy.withUTF8 { appendQuoted($0) }
    }

    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escape: copy them whole.
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: utf8)
        } else {
            for byte in utf8 { appendEscaped(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case 0..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        default: bytes.append(byte)
        }
    }
}
