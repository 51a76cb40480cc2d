import Foundation

/// The in-memory state a `Store` keeps durable. The store knows nothing of what the state means:
/// it logs each `Change` as JSON, replays them after a crash, and writes the state's own JSON files
/// at checkpoints.
public protocol DurableState: Sendable {
    associatedtype Change: Codable & Sendable

    /// The empty state of a new data folder.
    init()

    /// Applies one logged change. Must be deterministic: recovery replays the same changes in the same
    /// order and must reach the same state. Throwing here during recovery stops start-up.
    mutating func apply(_ change: Change) throws

    /// Human-readable JSON files (name → content, e.g. `"villages.json"`) that together hold the state. A large
    /// file is best `.streamed`: it is then written in pieces, never held whole. A file may be `.sealed` only if its
    /// name fixes its text for good: a checkpoint links the file of that name from the snapshot before, keeping its
    /// old text and checksum, whatever the state would write now.
    func snapshotFiles() throws -> [String: SnapshotFile]

    /// Rebuilds the state from the files `snapshotFiles()` wrote.
    init(snapshotFiles: [String: Data]) throws

    /// Migrations already applied, by id, with the checksum of the file as it was applied.
    var appliedMigrations: [AppliedMigration] { get }

    /// The change that applies a migration file and records it as applied.
    static func migrationChange(_ migration: MigrationFile, at date: Date) throws -> Change

    /// The JSON of a change's WAL record. The default uses `JSONEncoder`; a state may write its most frequent
    /// changes by hand, which must decode back equal.
    static func logPayload(of change: Change) throws -> [UInt8]

    /// At least as many bytes as `logPayload(of:)` gives, found without encoding the change; nil (the default) when
    /// unknown. A change bounded below the WAL record limit is encoded by the sync thread instead of the writer, every
    /// write's single lane; any other is encoded before it is applied, to refuse it whole should it be too large.
    /// A bound also promises that `logPayload(of:)` does not throw for the change: encoded once the change is applied,
    /// a failure can no longer refuse it alone, so it turns the store read-only (as a wrong bound does).
    static func logPayloadSizeBound(of change: Change) -> Int?

    /// True (the default) when every reader must see the change as soon as it is acknowledged, false when readers
    /// may see it only once they ask for every acknowledged write (`Store.awaitAcknowledgedWrites`). The state is
    /// copied for readers only when published: a frequent change that is published lazily is applied in place.
    static func isPublishedAtOnce(_ change: Change) -> Bool

    /// A WAL record's change, read back at recovery. The default uses `JSONDecoder`; a state may read its
    /// most frequent changes by hand, which must give the same change.
    static func change(fromLogPayload payload: [UInt8]) throws -> Change
}

extension DurableState {
    public static func isPublishedAtOnce(_ change: Change) -> Bool { true }

    public static func logPayload(of change: Change) throws -> [UInt8] {
        Array(try JSONEncoder().encode(change))
    }

    public static func change(fromLogPayload payload: [UInt8]) throws -> Change {
        try JSONDecoder().decode(Change.self, from: Data(payload))
    }

    public static func logPayloadSizeBound(of change: Change) -> Int? { nil }
}

public struct AppliedMigration: Codable, Sendable, Equatable {
    public var id: String
    public var checksum: String
    public var appliedAt: Date
    public init(id: String, checksum: String, appliedAt: Date) {
        self.id = id
        self.checksum = checksum
        self.appliedAt = appliedAt
    }
}

/// One file of the `migrations/` folder: `NNNN_name.json`, applied in order of its name.
public struct MigrationFile: Sendable, Equatable {
    public var id: String
    public var contents: Data
    /// Hex SHA-256 or CRC of the contents, as the migration runner computes it.
    public var checksum: String
    public init(id: String, contents: Data, checksum: String) {
        self.id = id
        self.contents = contents
        self.checksum = checksum
    }
}

/// Storage's health: once a write could not be made durable, the store refuses writes until restart.
public enum StorageHealth: Sendable, Equatable {
    case writable
    case readOnly(reason: String)

    /// Why writes are refused; nil while writable.
    var readOnlyReason: String? { if case .readOnly(let reason) = self { reason } else { nil } }
}

/// Thrown by `Store.commit` when the change could not be made durable; the API answers 503.
public struct StorageUnavailable: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "storage unavailable: \(reason)" }

    /// What failed, without the server's paths: every writer's 503 and the unauthenticated /healthz show it (the log
    /// keeps the whole error).
    static func reason(_ error: any Error) -> String {
        guard let error = error as? FileSystemError else { return "\(error)" }
        return "\(error.call): \(String(cString: strerror(error.errno))) (errno \(error.errno))"
    }
}

/// A change whose WAL record would be larger than recovery reads back (`WALRecord.maxPayload`, 64 MiB): refused
/// before it is applied or logged. Logged anyway, it made the WAL unreadable and the server unable to start.
public struct ChangeTooLarge: Error, Sendable, CustomStringConvertible {
    public let bytes: Int
    public let limit: Int
    public var description: String { "change of \(bytes) bytes exceeds the WAL record limit of \(limit) bytes" }
}

/// What a commit decides after looking at the current state.
public enum CommitDecision<Change: Sendable, Result: Sendable>: Sendable {
    /// Log and apply `change`, then return `result` once it is on disk.
    case write(Change, Result)
    /// Nothing to write (an identical retry, a dry run): return `result` at once.
    case noWrite(Result)
}
