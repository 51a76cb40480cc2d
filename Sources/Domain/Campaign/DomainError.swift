/// A refusal the user can act on: a stable code, a Chinese message, and the offending fields.
public struct DomainError: Error, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case validationFailed = "validation_failed"
        case futureDate = "future_date"
        case outsideSeason = "outside_season"
        case unknownVillage = "unknown_village"
        case unknownUnit = "unknown_unit"
        case periodClosed = "period_closed"
        case alreadyExists = "already_exists"
        /// The same operation is already running (a backup): try again when it ends.
        case busy
        case notFound = "not_found"
        case forbidden
    }

    public struct FieldIssue: Sendable, Equatable {
        public var field: String
        public var message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var kind: Kind
    public var message: String
    public var details: [FieldIssue]

    public init(_ kind: Kind, _ message: String, details: [FieldIssue] = []) {
        self.kind = kind
        self.message = message
        self.details = details
    }

    public static func invalid(_ field: String, _ message: String) -> DomainError {
        DomainError(.validationFailed, message, details: [FieldIssue(field: field, message: message)])
    }

    /// At most `limit` (≥ 1) Unicode scalars of `text`, the last of them "…" when it was longer: what a message
    /// quotes of the client's text. Scalars, not characters: one character may carry any number of marks.
    public static func shortened(_ text: String, to limit: Int) -> String {
        let limit = max(1, limit)
        return text.unicodeScalars.count <= limit ? text : String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit - 1))) + "…"
    }

    /// 403 naming what the caller may not act on (a unit in the body, the path or the query).
    public static func forbidden(_ field: String, _ message: String) -> DomainError {
        DomainError(.forbidden, message, details: [FieldIssue(field: field, message: message)])
    }
}

extension DefaultStringInterpolation {
    /// `"村“\(echo: id)”…"`: the client's text in a message, at most 40 characters of it, so that the message
    /// around it (what to fix) is never what gets cut. Control and text-direction characters are shown as "�": quoted raw, an escape or a right-to-left override
    /// would act on the terminal or chat that shows the message.
    public mutating func appendInterpolation(echo text: String) {
        let shown = DomainError.shortened(text, to: 40).unicodeScalars.map { scalar -> Unicode.Scalar in
            scalar.properties.generalCategory == .control || Self.directionControls.contains(scalar.value) ? "\u{FFFD}" : scalar
        }
        appendLiteral(String(String.UnicodeScalarView(shown)))
    }

    private static let directionControls: Set<UInt32> = [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                                                         0x2066, 0x2067, 0x2068, 0x2069]
}

extension DomainError: CustomStringConvertible {
    /// As a command line shows it: the Chinese message and each field at fault, not the struct's dump.
    public var description: String {
        // A field whose message is the whole message (one field at fault) is named alone, not said twice.
        details.isEmpty ? message : message + "（" + details.map { $0.message == message ? $0.field : "\($0.field)：\($0.message)" }
            .joined(separator: "；") + "）"
    }
}
