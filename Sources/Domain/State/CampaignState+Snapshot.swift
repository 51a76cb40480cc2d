import Foundation
import Storage

/// The snapshot is a handful of pretty-printed JSON files an official can open and read.
extension CampaignState {
    private struct ReferenceFile: Codable {
        var units: [Unit]
        var paths: [HeatingPath]
        var seasons: [Season]
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.utcString(date))
        }
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parseUTC(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad timestamp \(text)"))
            }
            return date
        }
        return decoder
    }()

    public func snapshotFiles() throws -> [String: SnapshotFile] {
        let e = Self.encoder
        let reopened = reopenings.flatMap { unit, days in days.map { ReopeningEntry(unit: unit, date: $0.key, reopening: $0.value) } }
            .sorted { ($0.unit, $0.date) < ($1.unit, $1.date) }
        var files: [String: SnapshotFile] = [
            "reference.json": .data(try e.encode(ReferenceFile(units: units, paths: paths, seasons: seasons))),
            "migrations.json": .data(try e.encode(appliedMigrations)),
            "tokens.json": .data(try e.encode(tokens.values.sorted { $0.id < $1.id })),
            "villages.json": .data(try e.encode(villages.values.sorted { $0.id < $1.id })),
            "roster-history.json": .data(try e.encode(RosterHistoryFile(rosterHistory))),
            Self.reportDaysFile: .data(try e.encode(reportDayHeaders())),
            "reports.json": .data(Self.reportsNotice),
            "reopenings.json": .data(try e.encode(reopened)),
            "exemptions.json": .data(try e.encode(exemptions.values.sorted { $0.id < $1.id })),
            "tasks.json": .data(try e.encode(tasks.values.sorted { $0.id < $1.id })),
        ]
        files.merge(reportLedgerFiles()) { first, _ in first }
        files.merge(auditLedgerFiles()) { first, _ in first }
        return files
    }

    public init(snapshotFiles files: [String: Data]) throws {
        self.init()
        // The audit trail is read on another core while the reports are: the two largest parts, independent.
        let auditEntries = ReadAside { try Self.readAuditLedger(files) }
        let d = Self.decoder
        func read<T: Decodable>(_ name: String, _ type: T.Type) throws -> T? {
            guard let data = files[name] else { return nil }
            return try d.decode(T.self, from: data)
        }
        if let reference = try read("reference.json", ReferenceFile.self) {
            units = reference.units
            unitPositions = Self.positions(of: units) // property observers do not run in an initializer
            paths = reference.paths
            seasons = reference.seasons
        }
        appliedMigrations = try read("migrations.json", [AppliedMigration].self) ?? []
        for token in try read("tokens.json", [TokenRecord].self) ?? [] {
            tokens[token.id] = token
            if token.revokedAt == nil { tokenIDBySecretHash[token.secretHash] = token.id }
        }
        for village in try read("villages.json", [Village].self) ?? [] { villages[village.id] = village }
        // A snapshot from before the roster kept its history: the roster it holds counts from the start.
        rosterHistory = try read("roster-history.json", RosterHistoryFile.self)?.history(current: villages)
            ?? RosterHistory(undated: villages.values)
        if let days = files[Self.reportDaysFile] {
            try readReportLedger(days: days, files: files)
        } else {
            // A snapshot from before the ledger: its revisions go into the ledger day by day.
            for day in try files["reports.json"].map(Self.readReportsFile) ?? [] {
                unitDays[day.unit, default: DayMap()][day.date] = day
                for index in day.revisions.indices { reportLedger.append(RevisionPosition(unit: day.unit, date: day.date, index: index)) }
            }
        }
        for (unit, days) in unitDays { timelines[unit] = UnitTimeline(deriving: days) }
        for entry in try read("reopenings.json", [ReopeningEntry].self) ?? [] {
            reopenings[entry.unit, default: [:]][entry.date] = entry.reopening
        }
        for exemption in try read("exemptions.json", [Exemption].self) ?? [] { exemptions[exemption.id] = exemption }
        for task in try read("tasks.json", [DutyTask].self) ?? [] { tasks[task.id] = task }
        for entry in try auditEntries.value() { record(entry) }
    }
}

/// A value worked out on another thread; `value()` waits for it. `result` is written once, by that thread,
/// and read only after the group says it is done.
private final class ReadAside<Value>: @unchecked Sendable {
    private let done = DispatchGroup()
    private var result: Result<Value, any Error>?

    init(_ work: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global().async(group: done) { self.result = Result(catching: work) }
    }

    func value() throws -> Value {
        done.wait()
        return try result!.get()
    }
}

private struct ReopeningEntry: Codable {
    var unit: String
    var date: LocalDate
    var reopening: Reopening
}

/// `roster-history.json`: since when each village has stood as `villages.json` has it (a village not named there:
/// from the start), and the versions it had before, oldest first: the current versions are not written twice.
private struct RosterHistoryFile: Codable {
    var since: [String: LocalDate]
    var earlier: [RosterHistory.Version]

    init(_ history: RosterHistory) {
        since = [:]
        earlier = []
        for (id, list) in history.versions.sorted(by: { $0.key < $1.key }) {
            if let from = list.last?.from { since[id] = from }
            earlier += list.dropLast()
        }
    }

    func history(current villages: [String: Village]) throws -> RosterHistory {
        var versions = villages.mapValues { [RosterHistory.Version(from: nil, village: $0)] }
        for (id, from) in since {
            guard versions[id] != nil else { throw Self.unknown(id) }
            versions[id]?[0].from = from
        }
        for version in earlier.reversed() {
            guard versions[version.village.id] != nil else { throw Self.unknown(version.village.id) }
            versions[version.village.id]?.insert(version, at: 0)
        }
        return RosterHistory(versions: versions)
    }

    private static func unknown(_ id: String) -> DomainError {
        DomainError.invalid("roster-history.json", "village \(id) has a history but is not in villages.json")
    }
}
