import Domain
import Foundation

/// A config file problem, naming the file, the key and what is wrong.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let key: String
    public let problem: String
    public var description: String { "config \(file): \(key.isEmpty ? "(file)" : key): \(problem)" }

    public init(file: String, key: String, problem: String) {
        self.file = file
        self.key = key
        self.problem = problem
    }
}

/// Walks a JSON config object strictly: unknown keys and wrong types are errors, missing keys keep defaults.
struct ConfigReader {
    let file: String
    let object: [String: Any]
    let path: String

    static func load(_ url: URL) throws -> ConfigReader {
        let data: Data
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw ConfigError(file: url.path, key: "", problem: "is a folder; name the config file (e.g. config/default.json)")
        }
        do { data = try Data(contentsOf: url) } catch {
            // Foundation's text for a missing or unreadable file is a domain and a number: the system's is readable.
            let reason = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).map { String(cString: strerror(Int32($0.code))) }
                ?? "no such file, or not readable"
            throw ConfigError(file: url.path, key: "", problem: "cannot read the file (\(reason))")
        }
        // The request bodies' strict parser first: JSONSerialization takes a trailing comma and keeps one of two
        // equal keys without a word, so a config edit that went wrong could start a server on other values.
        do { _ = try JSONValue.parse(data) } catch {
            throw ConfigError(file: url.path, key: "", problem: "malformed JSON (\(error))")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ConfigError(file: url.path, key: "", problem: "not a JSON object (malformed JSON)")
        }
        return ConfigReader(file: url.path, object: object, path: "")
    }

    func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    func fail(_ name: String, _ problem: String) -> ConfigError { ConfigError(file: file, key: key(name), problem: problem) }

    func allowOnly(_ names: Set<String>) throws {
        if let unknown = object.keys.sorted().first(where: { !names.contains($0) }) {
            throw fail(unknown, "unknown key (allowed: \(names.sorted().joined(separator: ", ")))")
        }
    }

    /// `nullable`: null means "none" (`server.tls`). Elsewhere a null is refused like any wrong type: taken as
    /// "the default" for some keys and refused for others, it was a typo's silent way in.
    func section(_ name: String, nullable: Bool = false) throws -> ConfigReader? {
        guard let value = object[name] else { return nil }
        if value is NSNull, nullable { return nil }
        guard let nested = value as? [String: Any] else { throw fail(name, "must be an object\(nullable ? " or null" : "")") }
        return ConfigReader(file: file, object: nested, path: key(name))
    }

    func int(_ name: String, _ target: inout Int, min: Int = 0, max: Int = .max) throws {
        guard let value = object[name] else { return }
        guard let number = value as? NSNumber, Self.integer(value) != nil else { throw fail(name, "must be an integer") }
        guard number.intValue >= min else { throw fail(name, "must be at least \(min)") }
        guard number.intValue <= max else { throw fail(name, "must be at most \(max)") }
        target = number.intValue
    }

    func optionalInt(_ name: String, _ target: inout Int?) throws {
        guard let value = object[name] else { return }
        if value is NSNull { target = nil; return }
        guard let number = Self.integer(value), number >= 0 else { throw fail(name, "must be a non-negative integer or null") }
        target = number
    }

    func double(_ name: String, _ target: inout Double, min: Double = 0, max: Double = .infinity) throws {
        guard let value = object[name] else { return }
        guard let number = value as? NSNumber, !Self.isBool(number) else { throw fail(name, "must be a number") }
        // Bounds as a person writes them: 10000, not 10000.0.
        func plain(_ bound: Double) -> String { bound == bound.rounded() && abs(bound) < 1e15 ? String(Int(bound)) : "\(bound)" }
        guard number.doubleValue >= min else { throw fail(name, "must be at least \(plain(min))") }
        guard number.doubleValue <= max else { throw fail(name, "must be at most \(plain(max))") }
        target = number.doubleValue
    }

    func string(_ name: String) throws -> String? {
        guard let value = object[name] else { return nil }
        guard let text = value as? String else { throw fail(name, "must be a string") }
        return text
    }

    var keys: [String] { object.keys.sorted() }

    // Config files are read with JSONSerialization (request bodies with JSONValue), hence these two on `Any`.

    static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c" || type(of: number) != NSNumber.self && "\(type(of: number))".contains("Boolean")
    }

    static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !isBool(number) else { return nil }
        return JSONValue.wholeNumber(number.doubleValue)
    }
}
