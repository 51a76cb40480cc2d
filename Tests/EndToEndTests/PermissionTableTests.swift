import Foundation
import Testing
import TestSupport

/// Every role against every endpoint: allowed means anything but 401/403, denied means 403.
@Suite struct PermissionTableTests {
    struct Endpoint: Sendable {
        let method: String
        let path: String
        let body: [String: String]?
        let allowed: Set<String>
    }

    static let everyone: Set<String> = ["reporter", "office", "supervisor", "admin"]
    static let writers: Set<String> = ["office", "admin"]

    static let endpoints: [Endpoint] = [
        Endpoint(method: "GET", path: "/api/v1/units", body: nil, allowed: everyone),
        Endpoint(method: "GET", path: "/api/v1/paths", body: nil, allowed: everyone),
        Endpoint(method: "GET", path: "/api/v1/plan", body: nil, allowed: everyone),
        Endpoint(method: "GET", path: "/api/v1/tokens", body: nil, allowed: ["admin"]),
        Endpoint(method: "POST", path: "/api/v1/tokens", body: [:], allowed: ["admin"]),
        Endpoint(method: "DELETE", path: "/api/v1/tokens/tok_none", body: nil, allowed: ["admin"]),
        Endpoint(method: "GET", path: "/api/v1/villages", body: nil, allowed: everyone),
        Endpoint(method: "GET", path: "/api/v1/villages/xtp-dongcun", body: nil, allowed: everyone),
        Endpoint(method: "POST", path: "/api/v1/villages", body: [:], allowed: ["reporter", "office", "admin"]),
        Endpoint(method: "PUT", path: "/api/v1/villages/v1", body: [:], allowed: ["reporter", "office", "admin"]),
        Endpoint(method: "POST", path: "/api/v1/reports", body: [:], allowed: ["reporter", "office", "admin"]),
        Endpoint(method: "GET", path: "/api/v1/reports?date=2021-10-15", body: nil, allowed: everyone),
        Endpoint(method: "GET", path: "/api/v1/reports/xiatuanpu/2021-10-15", body: nil, allowed: everyone),
        Endpoint(method: "GET", path: "/api/v1/reports/xiatuanpu/2021-10-15/diff?from=1&to=1", body: nil, allowed: everyone),
        Endpoint(method: "PUT", path: "/api/v1/reports/xiatuanpu/2021-10-15/review", body: [:], allowed: writers),
        Endpoint(method: "POST", path: "/api/v1/reports/xiatuanpu/2021-10-15/reopen", body: [:], allowed: writers),
        Endpoint(method: "POST", path: "/api/v1/exemptions", body: [:], allowed: writers),
        Endpoint(method: "GET", path: "/api/v1/exemptions", body: nil, allowed: everyone),
        Endpoint(method: "DELETE", path: "/api/v1/exemptions/none", body: nil, allowed: writers),
        Endpoint(method: "POST", path: "/api/v1/tasks", body: [:], allowed: writers),
        Endpoint(method: "PATCH", path: "/api/v1/tasks/none", body: [:], allowed: ["reporter", "office", "admin"]),
        Endpoint(method: "DELETE", path: "/api/v1/tasks/none", body: nil, allowed: writers),
        Endpoint(method: "GET", path: "/api/v1/tasks", body: nil, allowed: everyone),
        Endpoint(method: "GET", path: "/api/v1/audit", body: nil, allowed: writers),
        // API.md: reporters read bulletins; summaries are the supervisor's (and the office's).
        Endpoint(method: "GET", path: "/api/v1/summary?from=2021-10-14&to=2021-10-15", body: nil, allowed: ["office", "supervisor", "admin"]),
    ]

    @Test func everyRoleAgainstEveryEndpoint() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let clients = ["reporter": f.xiatuanpu, "office": f.office, "supervisor": f.supervisor, "admin": f.admin]
        for endpoint in Self.endpoints {
            for (role, client) in clients {
                let reply = endpoint.body == nil
                    ? try await client.send(endpoint.method, endpoint.path, body: nil)
                    : try await client.send(endpoint.method, endpoint.path, json: endpoint.body ?? [:])
                if endpoint.allowed.contains(role) {
                    #expect(reply.status != 403 && reply.status != 401, "\(role) \(endpoint.method) \(endpoint.path) → \(reply.status)")
                } else {
                    #expect(reply.status == 403, "\(role) \(endpoint.method) \(endpoint.path) → \(reply.status)")
                }
            }
        }
    }
}
