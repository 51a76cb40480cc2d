import Foundation

public enum HTTPVersion: Sendable, Equatable {
    case http10
    case http11
}

/// The request line and header section: everything known before the body is read.
public struct HTTPRequestHead: Sendable {
    public var method: String
    /// The request target as sent (origin-form), e.g. `/api/v1/reports?date=2021-10-15`.
    public var target: String {
        didSet { (rawPath, path) = Self.paths(of: target) }
    }
    /// The path part of the target as sent. Routing splits it into segments before decoding them, so that an
    /// encoded slash (`%2F`) stays inside its segment (RFC 3986 §2.2) instead of separating two.
    public private(set) var rawPath: Substring
    /// The path part of the target, percent-decoded; worked out once, as handlers, metrics and the access log
    /// all ask for it (routing uses `rawPath`).
    public private(set) var path: String
    public var version: HTTPVersion
    public var headers: HTTPFields
    public var remoteAddress: String

    public init(method: String, target: String, version: HTTPVersion = .http11,
                headers: HTTPFields = HTTPFields(), remoteAddress: String = "127.0.0.1") {
        self.method = method
        self.target = target
        (rawPath, path) = Self.paths(of: target)
        self.version = version
        self.headers = headers
        self.remoteAddress = remoteAddress
    }

    private static func paths(of target: String) -> (raw: Substring, decoded: String) {
        let raw = target.utf8.firstIndex(of: UInt8(ascii: "?")).map { target[..<$0] } ?? target[...]
        return (raw, raw.percentDecoded() ?? String(raw))
    }

    /// Query parameters in order; `+` is a space, as HTML forms and curl `--data-urlencode -G` send them.
    public var queryItems: [(name: String, value: String)] {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return [] }
        let query = target[target.index(after: mark)...]
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                s.percentDecoded(plusAsSpace: true) ?? s.replacingOccurrences(of: "+", with: " ")
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The first value of a query parameter.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }
}

public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: Data
    /// Trailer fields of a chunked body, if any.
    public var trailers: HTTPFields
    /// The context the responder's `screen` returned for this request.
    public var screening: (any Sendable)?

    public init(head: HTTPRequestHead, body: Data = Data(), trailers: HTTPFields = HTTPFields(),
                screening: (any Sendable)? = nil) {
        self.head = head
        self.body = body
        self.trailers = trailers
        self.screening = screening
    }

    public var method: String { head.method }
    public var path: String { head.path }
    public var headers: HTTPFields { head.headers }
    public func query(_ name: String) -> String? { head.query(name) }
}
