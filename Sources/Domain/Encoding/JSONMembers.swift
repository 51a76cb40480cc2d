import Foundation

/// Typed reads of a JSON object's members, for readers written by hand: nil when a member is absent or of
/// another type, so that a reader can decline what it does not recognise in full.
struct JSONMembers {
    let object: JSONObject

    init?(_ value: JSONValue?) {
        guard case .object(let object)? = value else { return nil }
        self.object = object
    }

    func string(_ key: String) -> String? {
        if case .string(let text)? = object[key] { return text }
        return nil
    }

    func double(_ key: String) -> Double? {
        if case .number(let number)? = object[key] { return number }
        return nil
    }

    /// As JSONDecoder reads an `Int`: integral, and exactly representable.
    func int(_ key: String) -> Int? {
        double(key).flatMap(JSONValue.wholeNumber)
    }

    func object(_ key: String) -> JSONMembers? { JSONMembers(object[key]) }

    func array(_ key: String) -> [JSONValue]? {
        if case .array(let items)? = object[key] { return items }
        return nil
    }

    /// A member that may be absent or null (JSONDecoder's `decodeIfPresent`).
    func optional(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    /// An optional string: `.some(nil)` when absent or null, nil when of another type.
    func optionalString(_ key: String) -> Optional<String?> {
        guard let value = optional(key) else { return .some(nil) }
        guard case .string(let text) = value else { return nil }
        return .some(text)
    }
}
