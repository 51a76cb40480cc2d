import Foundation

/// A JSON document (RFC 8259). Numbers are kept as `Double`: every rule we apply to them (integral and
/// below 9e15, or finite) is a rule about that value, as it was when bodies went through JSONSerialization.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Deep enough for any body we accept (a report nests 3 levels); shallow enough that the recursive
    /// parser cannot exhaust an event loop thread's stack on a `[[[[…` body.
    public static let maximumNestingDepth = 64

    /// The integer rule for every JSON number we read: integral and below 9e15 in magnitude (so `3.0` is 3),
    /// which keeps it exact in a Double.
    public static func wholeNumber(_ number: Double) -> Int? {
        guard number.isFinite, number == number.rounded(), abs(number) < 9.0e15 else { return nil }
        return Int(number)
    }

    /// Parses one JSON text from UTF-8 bytes, strictly: RFC 8259's grammar and nothing more, no duplicate keys.
    public static func parse(_ utf8: Data) throws(JSONSyntaxError) -> JSONValue {
        // `withUnsafeBytes` rethrows untyped errors; a Result carries ours through with its type.
        let result = utf8.withUnsafeBytes { raw in
            raw.withMemoryRebound(to: UInt8.self) { bytes in
                Result { () throws(JSONSyntaxError) -> JSONValue in
                    var parser = JSONParser(bytes: bytes)
                    return try parser.parseText()
                }
            }
        }
        return try result.get()
    }

    /// Parses one JSON text that must be an array, handing each element to `each` as soon as it is read: a
    /// snapshot file of a gigabyte never exists as one document (as one, it more than doubled the server's
    /// memory and its restart time). False when `each` declined an element; the rest is then not read.
    static func forEachElement(ofArray utf8: Data, _ each: (JSONValue) -> Bool) throws(JSONSyntaxError) -> Bool {
        let result = utf8.withUnsafeBytes { raw in
            raw.withMemoryRebound(to: UInt8.self) { bytes in
                Result { () throws(JSONSyntaxError) -> Bool in
                    var parser = JSONParser(bytes: bytes)
                    return try parser.parseArrayText(each)
                }
            }
        }
        return try result.get()
    }
}

/// An object's members in document order, keys unique. Lookup scans the list: request objects have a handful
/// of short keys, where comparing beats hashing. A larger object carries an index, so that reading each of its
/// keys (a village's `targets`) stays linear in a hostile 1 MiB body.
public struct JSONObject: Equatable, Sendable {
    public struct Member: Equatable, Sendable {
        public let key: String
        public let value: JSONValue
    }

    /// Objects up to this many members are scanned, larger ones indexed.
    static let scanLimit = 16

    public let members: [Member]
    private let positions: [String: Int]?

    public init(members: [Member]) {
        let positions = members.count > Self.scanLimit
            ? Dictionary(members.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { first, _ in first }) : nil
        self.init(members: members, positions: positions)
    }

    /// For the parser, which builds the index while it checks for duplicate keys.
    init(members: [Member], positions: [String: Int]?) {
        self.members = members
        self.positions = positions
    }

    public var keys: [String] { members.map(\.key) }

    public subscript(key: String) -> JSONValue? {
        if let positions { return positions[key].map { members[$0].value } }
        for member in members where member.key == key { return member.value }
        return nil
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool { lhs.members == rhs.members }
}

/// Why a body is not JSON, and where: `offset` counts bytes from the start of the body.
public struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String

    public var description: String { "\(reason)（字节偏移 \(offset)）" }
}
