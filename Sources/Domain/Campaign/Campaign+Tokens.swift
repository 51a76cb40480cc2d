import Foundation
import Storage

extension Campaign {
    /// The principal a bearer secret belongs to, if it is known and not revoked.
    public func authenticate(secret: String) -> Principal? {
        let hash = TokenSecret.sha256Hex(secret)
        return read { state in
            guard let record = state.token(forSecretHash: hash), record.revokedAt == nil,
                  TokenSecret.constantTimeEquals(record.secretHash, hash) else { return nil }
            return record.principal
        }
    }

    /// True while the token exists and is not revoked (a principal found earlier may have been revoked since).
    public func tokenIsActive(_ id: String) -> Bool {
        read { $0.tokens[id].map { $0.revokedAt == nil } ?? false }
    }

    /// `secret` is generated unless given (the bootstrap token is written to its file before it is stored).
    public func issueToken(role: Role, unit: String?, label: String, by principal: Principal,
                           secret: String = TokenSecret.generate()) async throws -> IssuedToken {
        let id = TokenSecret.newID(prefix: "tok_")
        let now = self.now()
        let label = label.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await store.commit { state in
            let unit = unit.map(state.unitID) // the plan's name (滋润乡) stands for the id
            if !Self.hasVisibleText(label) || Self.isLonger(label, than: 100) || !Self.isOneLine(label) {
                throw DomainError.invalid("label", "请填写令牌用途说明 label（一行，不超过 100 字，不含控制字符），如“下团堡乡 统计员”")
            }
            if role == .reporter {
                guard let unit, let found = state.unit(unit) else {
                    throw DomainError.invalid("unit", "报送员令牌须绑定一个单位（乡镇街道、部门或企业），“\(echo: unit ?? "")”不存在")
                }
                guard found.kind != .office else {
                    throw DomainError.invalid("unit", "“\(found.name)”是办公室，不报送也不承担任务：请按用途签发 office 或 supervisor 令牌，或绑定乡镇街道、部门或企业")
                }
            } else if unit != nil {
                throw DomainError.invalid("unit", "只有 reporter 令牌绑定单位")
            }
            let record = TokenRecord(id: id, role: role, unit: role == .reporter ? unit : nil, label: label,
                                     secretHash: TokenSecret.sha256Hex(secret), createdAt: now,
                                     createdBy: principal.tokenID == Principal.commandLineID ? nil : principal.tokenID,
                                     revokedAt: nil)
            let audit = self.auditEntry(principal, "token.issue", target: id, summary: "签发\(Self.describe(record, in: state))：\(label)", at: now)
            return .write(LoggedChange(.tokenIssued(record), audit: audit), IssuedToken(record: record, secret: secret))
        }
    }

    /// The first admin token of an empty data folder. `persist` receives the secret before the token is stored,
    /// so a crash in between leaves at worst a file holding a token that never worked, never a lost admin.
    public func bootstrapAdminIfNeeded(persist: (String) throws -> Void) async throws -> IssuedToken? {
        guard read({ $0.tokens.isEmpty }) else { return nil }
        let secret = TokenSecret.generate()
        try persist(secret)
        return try await issueToken(role: .admin, unit: nil, label: "初始管理员（bootstrap）",
                                    by: .commandLine("cleanheat serve（首次启动）"), secret: secret)
    }

    public func tokens() -> [TokenRecord] {
        read { $0.tokens.values.sorted { $0.createdAt == $1.createdAt ? $0.id < $1.id : $0.createdAt < $1.createdAt } }
    }

    public func revokeToken(id: String, by principal: Principal) async throws {
        let now = self.now()
        try await store.commit { state in
            guard let record = state.tokens[id] else { throw DomainError(.notFound, "没有编号为 \(echo: id) 的令牌") }
            if record.revokedAt != nil { return .noWrite(()) }
            // The last admin token gone, only the offline CLI on a stopped server could issue another.
            if record.role == .admin, !state.tokens.values.contains(where: { $0.id != id && $0.role == .admin && $0.revokedAt == nil }) {
                throw DomainError(.alreadyExists, "这是最后一个有效的管理员令牌，吊销前请先签发新的管理员令牌",
                                  details: [.init(field: "id", message: "最后一个管理员令牌")])
            }
            let audit = self.auditEntry(principal, "token.revoke", target: id, summary: "吊销\(Self.describe(record, in: state))：\(record.label)", at: now)
            return .write(LoggedChange(.tokenRevoked(id: id, at: now), audit: audit), ())
        }
    }

    /// "报送员令牌（下团堡乡）": the role, and the unit a reporter token is bound to, as the audit trail says them.
    private static func describe(_ record: TokenRecord, in state: CampaignState) -> String {
        "\(record.role.chinese)令牌" + (record.unit.map { "（\(state.unit($0)?.name ?? $0)）" } ?? "")
    }
}
