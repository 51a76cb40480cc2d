import Domain
import Foundation

/// Reads a decoded JSON object field by field, naming the offending field (`villages[2].installed`) in every error.
struct JSONFields {
    let object: JSONObject
    let path: String

    /// Parses a request body that must be one JSON object.
    static func parse(_ body: Data) throws -> JSONFields {
        guard !body.isEmpty else { throw APIError.malformedJSON("请求体为空，请发送 JSON 对象") }
        let value: JSONValue
        do {
            value = try JSONValue.parse(body)
        } catch {
            throw APIError.malformedJSON("请求体不是合法的 JSON：\(error)")
        }
        guard case .object(let object) = value else { throw APIError.malformedJSON("请求体须为 JSON 对象 {…}") }
        return JSONFields(object: object, path: "")
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member's value; an explicit `null` reads as absent.
    private func present(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    func has(_ key: String) -> Bool { present(key) != nil }

    /// Unknown fields are refused, so a misspelt `instaled` is not silently ignored. A list, not a set: a handful
    /// of short names compare faster than a set is built from a literal, per request (a quarter of decoding a report).
    func allowOnly(_ keys: [String]) throws {
        // The members themselves, not `object.keys`: every object of every body made an array of its keys here.
        guard object.members.contains(where: { !keys.contains($0.key) }) else { return }
        let unknown = object.keys.filter { !keys.contains($0) }.sorted()
        // The message names a few, each cut short: the keys are the client's, a megabyte of them once came back twice.
        let named = unknown.prefix(10).map { "\(echo: $0)" }.joined(separator: "、")
        let more = unknown.count > 10 ? " 等 \(unknown.count) 个" : ""
        throw DomainError(.validationFailed, "有无法识别的字段：\(named)\(more)",
                          details: unknown.map { .init(field: field("\(echo: $0)"), message: "无法识别的字段") })
    }

    func string(_ key: String, required: Bool = false) throws -> String? {
        guard let value = present(key) else {
            if required { throw DomainError.invalid(field(key), "缺少必填字段 \(field(key))") }
            return nil
        }
        guard case .string(let text) = value else { throw DomainError.invalid(field(key), "\(field(key)) 须为字符串") }
        return text
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key, required: true) else { throw DomainError.invalid(field(key), "缺少必填字段 \(field(key))") }
        return text
    }

    func int(_ key: String, required: Bool = false) throws -> Int? {
        guard let value = present(key) else {
            if required { throw DomainError.invalid(field(key), "缺少必填字段 \(field(key))") }
            return nil
        }
        guard case .number(let number) = value, let whole = JSONValue.wholeNumber(number) else {
            // The usual slip: a number in quotes, as a spreadsheet exports it.
            if case .string(let text) = value, let (number, value) = Self.jsonNumber(quoted: text),
               JSONValue.wholeNumber(value) != nil {
                throw DomainError.invalid(field(key), "\(field(key)) 须为整数，不要加引号：写 \(echo: number)，不写 \"\(echo: text)\"")
            }
            // A whole number too large to be a count is not "no integer": said as what it is.
            if case .number(let number) = value, number == number.rounded(), number.isFinite {
                throw DomainError.invalid(field(key), "\(field(key)) 超出范围：须为绝对值小于 9000000000000000 的整数")
            }
            throw DomainError.invalid(field(key), "\(field(key)) 须为整数")
        }
        return whole
    }

    func double(_ key: String, required: Bool = false) throws -> Double? {
        guard let value = present(key) else {
            if required { throw DomainError.invalid(field(key), "缺少必填字段 \(field(key))") }
            return nil
        }
        guard case .number(let number) = value, number.isFinite else {
            if case .string(let text) = value, let (number, _) = Self.jsonNumber(quoted: text) {
                throw DomainError.invalid(field(key), "\(field(key)) 须为数字，不要加引号：写 \(echo: number)，不写 \"\(echo: text)\"")
            }
            throw DomainError.invalid(field(key), "\(field(key)) 须为数字")
        }
        return number
    }

    /// A quoted text that is a JSON number once unquoted ("150", " 30.5"), for the hint to drop the quotes: not
    /// what only Swift reads as one ("NaN", "+1", "0x10"), which unquoted is no JSON at all.
    private static func jsonNumber(quoted text: String) -> (text: String, value: Double)? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard case .number(let value)? = try? JSONValue.parse(Data(trimmed.utf8)) else { return nil }
        return (trimmed, value)
    }

    func date(_ key: String, required: Bool = false) throws -> LocalDate? {
        guard let text = try string(key, required: required) else { return nil }
        guard let date = LocalDate(text) else { throw DomainError.invalid(field(key), "\(field(key)) 须为日期 YYYY-MM-DD，收到“\(echo: text)”") }
        return date
    }

    func timestamp(_ key: String) throws -> Date {
        let text = try requiredString(key)
        guard let date = DistrictTime.parseTimestamp(text) else {
            throw DomainError.invalid(field(key), "\(field(key)) 须为带时区的 RFC 3339 时间（1900-01-02 至 9999-12-30），如 2021-10-25T18:00:00+08:00")
        }
        return date
    }

    func object(_ key: String) throws -> JSONFields? {
        guard let value = present(key) else { return nil }
        guard case .object(let nested) = value else { throw DomainError.invalid(field(key), "\(field(key)) 须为 JSON 对象") }
        return JSONFields(object: nested, path: field(key))
    }

    func array(_ key: String) throws -> [JSONValue]? {
        guard let value = present(key) else { return nil }
        guard case .array(let list) = value else { throw DomainError.invalid(field(key), "\(field(key)) 须为数组") }
        return list
    }

    func objects(_ key: String) throws -> [JSONFields] {
        try (array(key) ?? []).enumerated().map { index, element in
            let elementPath = "\(field(key))[\(index)]"
            guard case .object(let nested) = element else { throw DomainError.invalid(elementPath, "\(elementPath) 须为 JSON 对象") }
            return JSONFields(object: nested, path: elementPath)
        }
    }

    func strings(_ key: String) throws -> [String] {
        try (array(key) ?? []).enumerated().map { index, element in
            guard case .string(let text) = element else { throw DomainError.invalid("\(field(key))[\(index)]", "须为字符串") }
            return text
        }
    }
}
