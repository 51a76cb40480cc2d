/// Path parameters captured by `{name}` segments of a route pattern.
public struct RouteParameters: Sendable {
    public private(set) var values: [String: String] = [:]
    public init(_ values: [String: String] = [:]) { self.values = values }
    public subscript(name: String) -> String? { values[name] }
}

public typealias RouteHandler = @Sendable (HTTPRequest, RouteParameters) async -> HTTPResponse

/// A route's pattern and method, given to handlers and middleware (metrics label routes by pattern).
public struct Route: Sendable {
    public let method: String
    public let pattern: String
    public let handler: RouteHandler
    fileprivate let segments: [Segment]
    /// How many segments are literal: where patterns of both kinds match a path, the more literal one is it
    /// (`/villages/import` is the import, not a village named "import"). Counted once, when the route is added.
    fileprivate let literalCount: Int

    fileprivate enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }
}

public enum RouteLookup: Sendable {
    case found(Route, RouteParameters)
    /// `pattern`: the path's route, which metrics label the refusal with.
    case methodNotAllowed(allow: [String], pattern: String)
    case notFound
    /// OPTIONS (RFC 9110 §9.3.7) on a path some route has: the methods it takes; on `*`, the server as a whole:
    /// every method some route takes. `pattern` as for a 405 (`*` for the server).
    case options(allow: [String], pattern: String)
}

/// Matches `METHOD /path/{param}` patterns. HEAD is served by the GET route (RFC 9110 §9.3.2).
public struct Router: HTTPResponder {
    /// Routes by their number of path segments, each list in the order added: a path is only held against
    /// the patterns that could match it.
    private var routes: [Int: [Route]] = [:]
    /// Routes without parameters, by their path as written (`/api/v1/reports`): most requests find theirs with one
    /// hash lookup instead of being held against every pattern of their length (a tenth of a report POST's own time).
    private var literalRoutes: [String: [Route]] = [:]

    public init() {}

    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping RouteHandler) {
        let segments = pattern.split(separator: "/").map { part -> Route.Segment in
            if part.hasPrefix("{") && part.hasSuffix("}") {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
        let literals = segments.count { if case .literal = $0 { true } else { false } }
        let route = Route(method: method, pattern: pattern, handler: handler, segments: segments, literalCount: literals)
        routes[segments.count, default: []].append(route)
        if literals == segments.count {
            literalRoutes["/" + pattern.split(separator: "/").joined(separator: "/"), default: []].append(route)
        }
    }

    /// `path`: as sent (`HTTPRequestHead.rawPath`): split on `/` first, each segment then percent-decoded.
    public func lookup(method: String, path: Substring) -> RouteLookup {
        if path == "*" && method == "OPTIONS" { // the parser admits `*` for OPTIONS only
            let methods = Set(routes.values.joined().map(\.method)).union(["OPTIONS"])
            return .options(allow: (methods.contains("GET") ? methods.union(["HEAD"]) : methods).sorted(), pattern: "*")
        }
        // A route without parameters is the most literal one its path can have: none with parameters competes.
        if let exact = literalRoutes[String(path)] {
            return Self.choose(method: method, among: exact.lazy.map { ($0, RouteParameters()) })
        }
        // Split on bytes: `String.split` walks Characters, and was a tenth of an authenticated GET's own time.
        let parts = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        var matching: [(Route, RouteParameters)] = []
        var mostLiteral = -1
        for route in routes[parts.count] ?? [] {
            guard route.literalCount >= mostLiteral, let parameters = Self.match(route.segments, parts) else { continue }
            if route.literalCount > mostLiteral { (mostLiteral, matching) = (route.literalCount, []) }
            matching.append((route, parameters))
        }
        return Self.choose(method: method, among: matching)
    }

    /// Of the routes a path matches equally well, the one for `method`; else what the path allows.
    private static func choose(method: String, among matching: some Sequence<(Route, RouteParameters)>) -> RouteLookup {
        var allowed: [String] = []
        var pattern = ""
        for (route, parameters) in matching {
            if route.method == method || (method == "HEAD" && route.method == "GET") { return .found(route, parameters) }
            allowed.append(route.method)
            pattern = route.pattern
        }
        if allowed.isEmpty { return .notFound }
        if allowed.contains("GET") { allowed.append("HEAD") }
        allowed.append("OPTIONS") // answered for every path a route has, below
        if method == "OPTIONS" { return .options(allow: allowed, pattern: pattern) }
        return .methodNotAllowed(allow: allowed, pattern: pattern)
    }

    private static func match(_ segments: [Route.Segment], _ parts: [Substring.UTF8View]) -> RouteParameters? {
        guard segments.count == parts.count else { return nil }
        var values: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            let encoded = part.contains(UInt8(ascii: "%"))
            switch segment {
            case .literal(let literal):
                if encoded ? Substring(part).percentDecoded() != literal : !literal.utf8.elementsEqual(part) { return nil }
            case .parameter(let name):
                values[name] = encoded ? Substring(part).percentDecoded() ?? String(Substring(part)) : String(Substring(part))
            }
        }
        return RouteParameters(values)
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        switch lookup(method: request.method, path: request.head.rawPath) {
        case .found(let route, let parameters):
            return await route.handler(request, parameters)
        case .methodNotAllowed(let allow, _):
            return Self.methodNotAllowed(allow)
        case .notFound:
            return Self.notFound
        case .options(let allow, _):
            var headers = HTTPFields()
            headers["Allow"] = allow.joined(separator: ", ")
            headers["Content-Type"] = "text/plain; charset=utf-8"
            return HTTPResponse(status: 200, headers: headers)
        }
    }

    public static let notFound = HTTPResponse.error(404, code: "not_found", message: "没有这个路径或资源")

    public static func methodNotAllowed(_ allow: [String]) -> HTTPResponse {
        var headers = HTTPFields()
        headers["Allow"] = allow.joined(separator: ", ")
        return .error(405, code: "method_not_allowed", message: "此路径不支持该请求方法，可用：\(allow.joined(separator: ", "))", headers: headers)
    }
}
