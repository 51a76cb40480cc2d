import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small JSON client for end-to-end tests: one call, one real HTTP exchange over loopback.
public struct APIClient: Sendable {
    public struct Reply: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: Data

        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The body as a JSON object ([:] when it is not one).
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }

        public func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }

        /// `error.code` of the contract's error shape.
        public var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }

        /// The `field` names of `error.details`.
        public var errorFields: [String] {
            ((json["error"] as? [String: Any])?["details"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        }
    }

    public let baseURL: String
    public let token: String?

    public init(baseURL: String, token: String?) {
        self.baseURL = baseURL
        self.token = token
    }

    public func with(token: String?) -> APIClient { APIClient(baseURL: baseURL, token: token) }

    public func get(_ path: String, headers: [String: String] = [:]) async throws -> Reply {
        try await send("GET", path, body: nil, headers: headers)
    }

    public func delete(_ path: String) async throws -> Reply {
        try await send("DELETE", path, body: nil)
    }

    /// Sends `json` (a dictionary or array) as `application/json`.
    public func send(_ method: String, _ path: String, json: Any, headers: [String: String] = [:]) async throws -> Reply {
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        var headers = headers
        if headers["Content-Type"] == nil { headers["Content-Type"] = "application/json" }
        return try await send(method, path, body: data, headers: headers)
    }

    public func post(_ path: String, json: Any) async throws -> Reply { try await send("POST", path, json: json) }
    public func put(_ path: String, json: Any) async throws -> Reply { try await send("PUT", path, json: json) }
    public func patch(_ path: String, json: Any) async throws -> Reply { try await send("PATCH", path, json: json) }

    public func send(_ method: String, _ path: String, body: Data?, headers: [String: String] = [:]) async throws -> Reply {
        guard let url = URL(string: baseURL + path) else { throw URLError(.badURL) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields["\(key)"] = "\(value)" }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    /// Sets the server's clock (`--test-clock`).
    public func setClock(_ rfc3339: String) async throws {
        let reply = try await with(token: nil).post("/api/v1/_test/clock", json: ["now": rfc3339])
        guard reply.status == 200 else { throw URLError(.cannotParseResponse) }
    }
}
