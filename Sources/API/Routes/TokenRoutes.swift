import Domain
import Foundation
import HTTPCore

extension CleanheatAPI {
    struct TokenView: Encodable {
        let id: String
        let role: Role
        let unit: String?
        let label: String
        let createdAt: Date
        let revokedAt: Date?
        /// Present only in the answer to `POST /tokens`.
        let token: String?

        init(_ record: TokenRecord, secret: String? = nil) {
            id = record.id
            role = record.role
            unit = record.unit
            label = record.label
            createdAt = record.createdAt
            revokedAt = record.revokedAt
            token = secret
        }
    }

    static let tokenRoutes: [APIRoute] = [
        APIRoute("POST", "/api/v1/tokens", .manageTokens) { api, request in
            let body = try request.json()
            try body.allowOnly(["role", "unit", "label"])
            let roleText = try body.requiredString("role")
            guard let role = Role(rawValue: roleText) else {
                throw DomainError.invalid("role", "role 只能是 reporter、office、supervisor 或 admin")
            }
            let issued = try await api.campaign.issueToken(role: role, unit: try body.string("unit"),
                                                           label: try body.string("label") ?? "", by: try request.caller)
            return try api.renderer.response(201, TokenView(issued.record, secret: issued.secret))
        },
        APIRoute("GET", "/api/v1/tokens", .manageTokens) { api, _ in
            try api.renderer.response(200, Wrapped(key: "tokens", value: api.campaign.tokens().map { TokenView($0) }))
        },
        APIRoute("DELETE", "/api/v1/tokens/{id}", .manageTokens) { api, request in
            try await api.campaign.revokeToken(id: request.parameter("id"), by: try request.caller)
            return HTTPResponse(status: 204)
        },
    ]
}
