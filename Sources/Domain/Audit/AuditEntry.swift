import Foundation

/// One write, who made it and what it was. Logged in the same WAL record as the change itself.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var at: Date
    /// The district-local day of `at`, so queries by date need no time zone.
    public var date: LocalDate
    public var tokenID: String
    public var tokenLabel: String
    public var role: Role
    /// A stable verb, e.g. `report.submit`, `token.revoke`.
    public var action: String
    /// What was written, e.g. `xiatuanpu/2021-10-15` or a token id.
    public var target: String
    public var summary: String
}

/// One day's audit entries: appended to while readers share the state, so an append copies a bounded part (see
/// `AppendOnlyList`), not the whole busy day.
public struct AuditDay: Sendable {
    private var list = AppendOnlyList<AuditEntry>()

    public init() {}

    public var entries: [AuditEntry] { Array(list) }
    var count: Int { list.count }
    subscript(index: Int) -> AuditEntry { list[index] }

    mutating func append(_ entry: AuditEntry) { list.append(entry) }
}
