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

/// One day's audit entries in fixed-size chunks. The writer appends to a copy of the state that readers still
/// share; with one flat array each append copied the whole day (quadratic in a busy day), with chunks it
/// copies one chunk and the list of chunks.
public struct AuditDay: Sendable {
    static let chunkSize = 512
    private var chunks: [[AuditEntry]] = []

    public init() {}

    public var entries: [AuditEntry] { chunks.flatMap { $0 } }

    mutating func append(_ entry: AuditEntry) {
        if let last = chunks.indices.last, chunks[last].count < Self.chunkSize {
            chunks[last].append(entry)
        } else {
            chunks.append([entry])
        }
    }
}
