/// The contract's roles (API.md, Auth).
public enum Role: String, Codable, Sendable, CaseIterable {
    case reporter, office, supervisor, admin

    /// As messages name it to the person holding the token.
    public var chinese: String {
        switch self {
        case .reporter: "报送员"
        case .office: "领导小组办公室"
        case .supervisor: "督查室"
        case .admin: "管理员"
        }
    }
}

/// Who is asking: the token's identity, never its secret.
public struct Principal: Sendable, Equatable {
    public var tokenID: String
    public var role: Role
    /// The unit a reporter is bound to; nil for the district-wide roles.
    public var unit: String?
    public var label: String

    public init(tokenID: String, role: Role, unit: String?, label: String) {
        self.tokenID = tokenID
        self.role = role
        self.unit = unit
        self.label = label
    }

    /// A reporter acts for its own unit only; the other roles for every unit.
    public func mayActFor(unit: String) -> Bool {
        role != .reporter || self.unit == unit
    }

    /// The unit a reporter's listings are narrowed to.
    public var scopedUnit: String? { role == .reporter ? unit : nil }

    /// The tokenID the audit trail gives a write made at the server's console, where no token is used.
    public static let commandLineID = "(command line)"

    /// Whoever runs `command` on the server's machine (with access to the data folder, so an admin): a write made
    /// there is audited like any other, under this name.
    public static func commandLine(_ command: String) -> Principal {
        Principal(tokenID: commandLineID, role: .admin, unit: nil, label: "服务器命令行：\(command)")
    }
}
