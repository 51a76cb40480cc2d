import Foundation

/// A stored token: identity and a SHA-256 of the secret, never the secret itself.
public struct TokenRecord: Codable, Sendable, Equatable {
    public var id: String
    public var role: Role
    public var unit: String?
    public var label: String
    /// Hex SHA-256 of the secret.
    public var secretHash: String
    public var createdAt: Date
    public var createdBy: String?
    public var revokedAt: Date?

    public var principal: Principal { Principal(tokenID: id, role: role, unit: unit, label: label) }
}

/// What `POST /tokens` answers: the only time the secret is shown.
public struct IssuedToken: Sendable {
    public var record: TokenRecord
    public var secret: String
}
