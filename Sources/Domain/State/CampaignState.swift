import Foundation
import Storage

/// Everything the campaign knows, as plain values. Changed only through `apply`, which recovery replays.
public struct CampaignState: DurableState {
    public typealias Change = LoggedChange

    public internal(set) var units: [Unit] = [] { didSet { unitPositions = Self.positions(of: units) } }
    /// unit id → index in `units` (derived), so a lookup is not a scan of 1,500 units.
    var unitPositions: [String: Int] = [:]
    public internal(set) var paths: [HeatingPath] = []
    public internal(set) var seasons: [Season] = []
    public internal(set) var appliedMigrations: [AppliedMigration] = []
    public internal(set) var tokens: [String: TokenRecord] = [:]
    var tokenIDBySecretHash: [String: String] = [:]
    public internal(set) var villages: [String: Village] = [:]
    /// Each village as it stood from each day it was saved (`rosterTargets(for:rules:)`).
    var rosterHistory = RosterHistory()
    /// unit → date → what the unit sent that day.
    public internal(set) var unitDays: [String: DayMap<UnitDay>] = [:]
    /// unit → effective counts by day (derived from `unitDays`).
    public internal(set) var timelines: [String: UnitTimeline] = [:]
    /// unit → date → the office's reopening of that date.
    public internal(set) var reopenings: [String: [LocalDate: Reopening]] = [:]
    public internal(set) var exemptions: [String: Exemption] = [:]
    public internal(set) var tasks: [String: DutyTask] = [:]
    /// District-local day → the writes of that day, in order.
    public internal(set) var audit: [LocalDate: AuditDay] = [:]
    /// Every report revision and every audit entry in the order they were stored: the snapshot writes them in
    /// numbered files that never change once full, so a checkpoint writes only what is new (`CampaignState+Ledger`).
    var reportLedger = AppendOnlyList<RevisionPosition>()
    var auditLedger = AppendOnlyList<AuditPosition>()
    /// Grows with every applied change: what was computed from one version (a bulletin) stays right until it moves.
    public internal(set) var version = 0

    public init() {}

    /// Reports, the one frequent change, are published lazily: readers of them await the acknowledged writes first
    /// (`Campaign.awaitAcknowledgedWrites`), and the writer applies them in place meanwhile. Every other change (a
    /// token revoked, a village saved) is seen by every reader as soon as it is acknowledged.
    public static func isPublishedAtOnce(_ change: LoggedChange) -> Bool {
        if case .reportSubmitted = change.change { false } else { true }
    }

    static func positions(of units: [Unit]) -> [String: Int] {
        var positions: [String: Int] = [:]
        for (index, unit) in units.enumerated() where positions[unit.id] == nil { positions[unit.id] = index }
        return positions
    }

    /// Registers or replaces a village from `date` on (nil: from the start), keeping its history.
    mutating func save(_ village: Village, on date: LocalDate?) {
        rosterHistory.save(village, on: date)
        villages[village.id] = village
    }

    public static func migrationChange(_ migration: MigrationFile, at date: Date) throws -> LoggedChange {
        // Named, and strict at the top level: a misspelt key ("vilages") was applied as nothing and recorded as
        // applied for good, and a malformed file's error did not say which file.
        let body: MigrationBody
        do {
            guard let object = try JSONSerialization.jsonObject(with: migration.contents) as? [String: Any] else {
                throw DomainError.invalid("migration", "a migration is a JSON object")
            }
            let allowed = MigrationBody.CodingKeys.allCases.map(\.rawValue)
            let unknown = Set(object.keys).subtracting(allowed)
            guard unknown.isEmpty else {
                throw DomainError.invalid("migration", "unknown keys \(unknown.sorted()); allowed: \(allowed.joined(separator: ", "))")
            }
            body = try JSONDecoder().decode(MigrationBody.self, from: migration.contents)
        } catch {
            throw DomainError.invalid("migration", "migration \(migration.id): \(error)")
        }
        return LoggedChange(.migrationApplied(id: migration.id, checksum: migration.checksum,
                                              at: Timestamp.floor(date), body: body), audit: nil)
    }
}

extension CampaignState {
    public func unit(_ id: String) -> Unit? { unitPositions[id].map { units[$0] } }
    /// A unit by its id, or by its name as the plan writes it (滋润乡, 山西地电朔州分公司): what a clerk types.
    public func unit(idOrName text: String) -> Unit? { unit(text) ?? units.first { $0.name == text } }
    /// The id `text` stands for (itself when it names no unit, for the caller's own "no such unit").
    func unitID(_ text: String) -> String { unit(idOrName: text)?.id ?? text }
    public func path(_ id: String) -> HeatingPath? { paths.first { $0.id == id } }
    public func season(_ id: String) -> Season? { seasons.first { $0.id == id } }

    /// The season whose reporting period holds `date`, else the latest that started before it.
    public func season(containing date: LocalDate) -> Season? {
        seasons.first { $0.contains(date) } ?? seasons.filter { $0.start <= date }.max { $0.start < $1.start }
    }

    /// The first season: the plan a date before every season is judged by (the one it leads up to).
    public var firstSeason: Season? { seasons.min { $0.start < $1.start } }

    public var reportingUnits: [Unit] { units.filter { $0.kind == .township } }

    public func villages(of unit: String) -> [Village] {
        villages.values.filter { $0.unit == unit }.sorted { $0.id < $1.id }
    }

    public func unitDay(_ unit: String, _ date: LocalDate) -> UnitDay? { unitDays[unit]?[date] }

    public func isExempt(_ unit: String, on date: LocalDate) -> Bool {
        exemptions.values.contains { $0.unit == unit && $0.covers(date) }
    }

    public func token(forSecretHash hash: String) -> TokenRecord? {
        tokenIDBySecretHash[hash].flatMap { tokens[$0] }
    }
}
