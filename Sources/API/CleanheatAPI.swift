import Domain
import Foundation
import HTTPCore
import Logging
import Storage

/// The HTTP face of the campaign: the route table, authentication before the body, error rendering, metrics.
public final class CleanheatAPI: HTTPResponder {
    let campaign: Campaign
    let settings: APISettings
    let testClock: SettableClock?
    let metrics: APIMetrics
    let rateLimiter: RateLimiter
    let renderer: JSONRenderer
    let logger: Logger
    let renderedCache = RenderedCache()
    /// Part of every bulletin ETag: the state's version counts changes since this process started, so after a
    /// restart it repeats, and without this an old ETag matched a different bulletin (304 for changed content).
    let processEpoch = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    private let router: Router
    private let routes: [String: APIRoute]

    /// `testClock` is set only under `--test-clock`; without it `POST /api/v1/_test/clock` does not exist.
    public init(campaign: Campaign, settings: APISettings, testClock: SettableClock?, metrics: APIMetrics, logger: Logger) {
        self.campaign = campaign
        self.settings = settings
        self.testClock = testClock
        self.metrics = metrics
        self.rateLimiter = RateLimiter(settings: settings.rateLimits)
        self.renderer = JSONRenderer(time: campaign.rules.time)
        self.logger = logger
        let table = Self.routeTable(testClock: testClock != nil)
        var router = Router()
        var byKey: [String: APIRoute] = [:]
        for route in table {
            router.add(route.method, route.pattern) { _, _ in Router.notFound }
            byKey[route.key] = route
        }
        self.router = router
        self.routes = byKey
    }

    static func routeTable(testClock: Bool) -> [APIRoute] {
        var table: [APIRoute] = []
        table += referenceRoutes + tokenRoutes + villageRoutes + reportRoutes
        table += officeRoutes + taskRoutes + auditRoutes + operationsRoutes + storageRoutes
        table += bulletinRoutes + supervisionRoutes
        if testClock { table += testClockRoutes }
        return table
    }

    /// Every method and path pattern the server answers (the test clock's with the flag); openapi.yaml lists each.
    public static func endpoints(testClock: Bool) -> [(method: String, pattern: String)] {
        routeTable(testClock: testClock).map { ($0.method, $0.pattern) }
    }

    /// What screening found, handed to `respond`: the route and who is asking are worked out once.
    private struct Screened: Sendable {
        let route: APIRoute
        let parameters: RouteParameters
        let principal: Principal?
    }

    /// Authentication, permission and rate limits are decided here, before any body byte is read.
    public func screen(_ head: HTTPRequestHead) async -> Screening {
        let lookup = router.lookup(method: head.method, path: head.rawPath)
        guard case .found(let matched, let parameters) = lookup, let route = routes[APIRoute.key(matched.method, matched.pattern)] else {
            // 404 or 405 at once: no `100 Continue`, and no body read for an address that takes none. A 405 is
            // counted under its route (the path matched, the method did not); only unknown paths are "unmatched".
            let response = await router.respond(to: HTTPRequest(head: head))
            metrics.record(route: Self.metricsLabel(lookup), method: head.method, status: response.status, seconds: 0)
            return .refuse(response)
        }
        do {
            let principal = try authorize(head, for: route, screening: true)
            return .proceed(context: Screened(route: route, parameters: parameters, principal: principal))
        } catch {
            let response = ErrorRendering.response(for: error)
            metrics.record(route: route.pattern, method: head.method, status: response.status, seconds: 0)
            return .refuse(response)
        }
    }

    /// A 405 or an OPTIONS is counted under its route (the path matched); only unknown paths are "unmatched".
    private static func metricsLabel(_ lookup: RouteLookup) -> String {
        switch lookup {
        case .methodNotAllowed(_, let pattern), .options(_, let pattern): pattern
        default: "unmatched"
        }
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        let started = ContinuousClock.now
        let screened: Screened
        if let found = request.screening as? Screened {
            screened = found
        } else {
            let lookup = router.lookup(method: request.method, path: request.head.rawPath)
            guard case .found(let matched, let parameters) = lookup, let route = routes[APIRoute.key(matched.method, matched.pattern)] else {
                let response = await router.respond(to: request)
                metrics.record(route: Self.metricsLabel(lookup), method: request.method, status: response.status, seconds: 0)
                return response
            }
            screened = Screened(route: route, parameters: parameters, principal: nil)
        }
        let route = screened.route
        var response: HTTPResponse
        do {
            let principal = try stillAuthorized(screened, request.head)
            try route.checkQuery(request.head.queryItems)
            if route.readsAcknowledgedWrites { await campaign.awaitAcknowledgedWrites() }
            response = try await route.handler(self, APIRequest(http: request, parameters: screened.parameters, principal: principal))
        } catch {
            response = ErrorRendering.response(for: error)
            // A refusal in read-only mode is expected until the restart, and the store logged why at critical once:
            // one line per refused write (75k in 20 s of a full disk) buried it. A store closed by shutdown likewise.
            if !(error is DomainError || error is APIError || error is StorageUnavailable || error as? StoreError == .closed) {
                logger.error("request failed", metadata: ["route": "\(route.pattern)", "error": "\(error)"])
            }
        }
        let elapsed = ContinuousClock.now - started
        metrics.record(route: route.pattern, method: request.method, status: response.status,
                       seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        return response
    }

    /// The token is checked again before the handler runs: a revocation while the body was on its way counts.
    /// A screened principal needs only a look-up of its token; otherwise the whole check runs.
    private func stillAuthorized(_ screened: Screened, _ head: HTTPRequestHead) throws -> Principal? {
        guard let principal = screened.principal else { return try authorize(head, for: screened.route, screening: false) }
        guard campaign.tokenIsActive(principal.tokenID) else { throw APIError.unauthorized("令牌无效或已吊销") }
        return principal
    }

    /// The principal of an authenticated route, or the refusal: 429, 401, 403. Rate limits are counted once,
    /// when screening.
    private func authorize(_ head: HTTPRequestHead, for route: APIRoute, screening: Bool) throws -> Principal? {
        guard let action = route.action else { return nil }
        let client = head.remoteAddress
        let rateLimiter = screening ? self.rateLimiter : nil
        // An address that failed too often gets 429 for every token except those already working from it in the
        // last two minutes: a guesser learns nothing, even from a right guess, and the people behind the same
        // proxy are not locked out.
        let blocked = rateLimiter?.failedAuthBlock(client: client)
        func refused(_ message: String) -> APIError {
            if let blocked { return .rateLimited(retryAfter: blocked) }
            rateLimiter?.recordFailedAuth(client: client)
            return .unauthorized(message)
        }
        guard let header = head.headers["Authorization"] else {
            throw refused("缺少令牌：请在请求头加 Authorization: Bearer <令牌>")
        }
        guard let secret = Self.bearerSecret(header) else { throw refused("Authorization 头格式应为 Bearer <令牌>") }
        guard let principal = campaign.authenticate(secret: secret) else { throw refused("令牌无效或已吊销") }
        if let blocked, rateLimiter?.trusts(client: client, token: principal.tokenID) != true {
            throw APIError.rateLimited(retryAfter: blocked)
        }
        rateLimiter?.recordSuccess(client: client, token: principal.tokenID)
        if let wait = rateLimiter?.take(token: principal.tokenID) { throw APIError.rateLimited(retryAfter: wait) }
        guard Permission.allows(principal.role, action) else {
            let allowed = Role.allCases.filter { Permission.allows($0, action) }.map(\.chinese).joined(separator: "、")
            throw APIError.forbidden("\(principal.role.chinese)令牌无权执行此操作（可由\(allowed)令牌办理）")
        }
        return principal
    }

    /// The credentials of `Bearer <secret>` (the scheme in any case, RFC 9110 §11.1), read as bytes: `split`
    /// and `lowercased` on Characters were a sixth of an authenticated GET's own time.
    static func bearerSecret(_ header: String) -> String? {
        let bytes = header.utf8
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")),
              bytes[..<space].elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }) else { return nil }
        let secret = header[bytes.index(after: space)...].trimmingOptionalWhitespace()
        return secret.isEmpty ? nil : secret
    }
}

/// One entry of the route table: method, path pattern, the action the permission table checks, the handler.
struct APIRoute: Sendable {
    let method: String
    let pattern: String
    /// nil: open to anyone (health, metrics, the test clock).
    let action: Action?
    /// The query parameters the route reads; any other is refused (400 `bad_query`), so that a misspelt one
    /// (`?missedNotic=3`) is not silently left out of the answer.
    let queries: Set<String>
    let handler: @Sendable (CleanheatAPI, APIRequest) async throws -> HTTPResponse
    /// The handler reads what earlier requests wrote, so it waits until the state it reads holds every acknowledged
    /// write (reports are published lazily). False for the report POST (it reads only tokens, published at once, and
    /// decides against the writer's own state) and for the operations that read no state (`/healthz` must answer
    /// while a sync hangs).
    let readsAcknowledgedWrites: Bool

    init(_ method: String, _ pattern: String, _ action: Action?, queries: Set<String> = [],
         readsAcknowledgedWrites: Bool = true,
         _ handler: @escaping @Sendable (CleanheatAPI, APIRequest) async throws -> HTTPResponse) {
        self.method = method
        self.pattern = pattern
        self.action = action
        self.queries = queries
        self.readsAcknowledgedWrites = readsAcknowledgedWrites
        self.handler = handler
    }

    func checkQuery(_ items: [(name: String, value: String)]) throws {
        if let unknown = items.first(where: { !queries.contains($0.name) })?.name {
            let known = queries.isEmpty ? "此接口不带查询参数" : "可用：\(queries.sorted().joined(separator: "、"))"
            throw APIError.badQuery(parameter: unknown, message: "不认识的查询参数“\(echo: unknown)”（\(known)）")
        }
        // One value each: `?format=csv&format=text` answered the first, and a script appending `&level=refer`
        // to a query that had a level got the earlier one.
        var seen: Set<String> = []
        for item in items where !seen.insert(item.name).inserted {
            throw APIError.badQuery(parameter: item.name, message: "查询参数“\(echo: item.name)”出现了不止一次，只能给一个值")
        }
    }

    var key: String { Self.key(method, pattern) }
    static func key(_ method: String, _ pattern: String) -> String { method + " " + pattern }
}
