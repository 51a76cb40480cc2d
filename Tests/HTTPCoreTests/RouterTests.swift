import Testing
@testable import HTTPCore

/// Where a literal pattern and a parameter pattern both match a path, the literal one is it.
@Suite struct RouterTests {
    static func router() -> Router {
        var router = Router()
        let answer: RouteHandler = { _, _ in HTTPResponse(status: 200) }
        router.add("GET", "/villages/{id}", answer)
        router.add("PUT", "/villages/{id}", answer)
        router.add("POST", "/villages/import", answer)
        return router
    }

    @Test func aLiteralSegmentOutranksAParameter() {
        let router = Self.router()
        guard case let .methodNotAllowed(allow, pattern) = router.lookup(method: "PUT", path: "/villages/import") else {
            Issue.record("PUT /villages/import is no village")
            return
        }
        #expect(allow == ["POST", "OPTIONS"] && pattern == "/villages/import")
        guard case let .options(allowed, _) = router.lookup(method: "OPTIONS", path: "/villages/import") else {
            Issue.record("OPTIONS")
            return
        }
        #expect(allowed == ["POST", "OPTIONS"])
        guard case let .found(route, parameters) = router.lookup(method: "PUT", path: "/villages/dongcun") else {
            Issue.record("PUT /villages/dongcun")
            return
        }
        #expect(route.pattern == "/villages/{id}" && parameters["id"] == "dongcun")
        guard case let .found(post, _) = router.lookup(method: "POST", path: "/villages/import") else {
            Issue.record("POST /villages/import")
            return
        }
        #expect(post.pattern == "/villages/import")
    }

    /// Literal paths are found by one table lookup; a path written another way (percent-encoded, doubled or
    /// trailing slash) goes the long way and must come to the same answer.
    @Test func aLiteralPathWrittenAnyWayFindsTheSameRoute() {
        let router = Self.router()
        for path in ["/villages/import", "/villages/%69mport", "//villages/import", "/villages/import/"] {
            guard case let .found(route, parameters) = router.lookup(method: "POST", path: Substring(path)) else {
                Issue.record("POST \(path)")
                continue
            }
            #expect(route.pattern == "/villages/import" && parameters.values.isEmpty, "\(path)")
            guard case let .methodNotAllowed(allow, _) = router.lookup(method: "DELETE", path: Substring(path)) else {
                Issue.record("DELETE \(path)")
                continue
            }
            #expect(allow == ["POST", "OPTIONS"], "\(path)")
        }
        guard case .notFound = router.lookup(method: "POST", path: "/villages/imports/x") else {
            Issue.record("a path no route has")
            return
        }
    }
}
