import Domain
import Foundation

/// Reads a decoded JSON object field by field, naming the offending field (`villages[2].installed`) in every error.
struct JSONFields {
    let object: [String: Any]
    let path: String

    /// Parses a request body that must be one JSON object.
    static func parse(_ body: Data) throws -> JSONFields {
        guard !body.isEmpty else { throw APIError.malformedJSON("请求体为空，请发送 JSON 对象") }
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        } catch {
            throw APIError.malformedJSON("请求体不是合法的 JSON：\(Self.describe(error))")
        }
        guard let object = value as? [String: Any] else { throw APIError.malformedJSON("请求体须为 JSON 对象 {…}") }
        return JSONFields(object: object, path: "")
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    /// Unknown fields are refused, so a misspelt `instaled` is not silently ignored.
    func allowOnly(_ keys: Set<String>) throws {
        let unknown = object.keys.filter { !keys.contains($0) }.sorted()
        guard !unknown.isEmpty else { return }
        throw DomainError(.validationFailed, "有无法识别的字段：\(unknown.joined(separator: "、"))",
                          details: unknown.map { .init(field: field($0), message: "无法识别的字段") })
    }

    func string(_ key: String, required: Bool = false) throws -> String? {
        guard let value = object[key], !(value is NSNull) else {
            if required { throw DomainError.invalid(field(key), "缺少必填字段 \(field(key))") }
            return nil
        }
        guard let text = value as? String else { throw DomainError.invalid(field(key), "\(field(key)) 须为字符串") }
        return text
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key, required: true) else { throw DomainError.invalid(field(key), "缺少必填字段 \(field(key))") }
        return text
    }

    func int(_ key: String, required: Bool = false) throws -> Int? {
        guard let value = object[key], !(value is NSNull) else {
            if required { throw DomainError.invalid(field(key), "缺少必填字段 \(field(key))") }
            return nil
        }
        guard let number = Self.integer(value) else { throw DomainError.invalid(field(key), "\(field(key)) 须为整数") }
        return number
    }

    func double(_ key: String) throws -> Double? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, !Self.isBool(number), number.doubleValue.isFinite else {
            throw DomainError.invalid(field(key), "\(field(key)) 须为数字")
        }
        return number.doubleValue
    }

    func date(_ key: String, required: Bool = false) throws -> LocalDate? {
        guard let text = try string(key, required: required) else { return nil }
        guard let date = LocalDate(text) else { throw DomainError.invalid(field(key), "\(field(key)) 须为日期 YYYY-MM-DD，收到“\(text)”") }
        return date
    }

    func timestamp(_ key: String) throws -> Date {
        let text = try requiredString(key)
        guard let date = DistrictTime.parseTimestamp(text) else {
            throw DomainError.invalid(field(key), "\(field(key)) 须为带时区的 RFC 3339 时间，如 2021-10-25T18:00:00+08:00")
        }
        return date
    }

    func object(_ key: String) throws -> JSONFields? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let nested = value as? [String: Any] else { throw DomainError.invalid(field(key), "\(field(key)) 须为 JSON 对象") }
        return JSONFields(object: nested, path: field(key))
    }

    func array(_ key: String) throws -> [Any]? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let list = value as? [Any] else { throw DomainError.invalid(field(key), "\(field(key)) 须为数组") }
        return list
    }

    func objects(_ key: String) throws -> [JSONFields] {
        try (array(key) ?? []).enumerated().map { index, element in
            let elementPath = "\(field(key))[\(index)]"
            guard let nested = element as? [String: Any] else { throw DomainError.invalid(elementPath, "\(elementPath) 须为 JSON 对象") }
            return JSONFields(object: nested, path: elementPath)
        }
    }

    func strings(_ key: String) throws -> [String] {
        try (array(key) ?? []).enumerated().map { index, element in
            guard let text = element as? String else { throw DomainError.invalid("\(field(key))[\(index)]", "须为字符串") }
            return text
        }
    }

    static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c" || type(of: number) != NSNumber.self && "\(type(of: number))".contains("Boolean")
    }

    static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !isBool(number) else { return nil }
        let double = number.doubleValue
        guard double.isFinite, double == double.rounded(), abs(double) < 9.0e15 else { return nil }
        return Int(double)
    }

    private static func describe(_ error: any Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        return String(text.prefix(200))
    }
}
