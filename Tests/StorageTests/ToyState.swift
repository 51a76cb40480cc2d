import Foundation
import Logging
import TestSupport
@testable import Storage

/// A key → value map: enough state to see what the engine keeps, loses or applies twice.
struct ToyState: DurableState {
    enum Change: Codable, Sendable, Equatable {
        case put(key: String, value: String)
        case append(key: String, suffix: String)
        case migration(AppliedMigration)
        /// A put that readers see only once they await the acknowledged writes (like a report).
        case lazyPut(key: String, value: String)
        /// A text kept for good, in a sealed snapshot file (like the campaign's ledgers).
        case archive(String)
        /// A put whose size bound is wrong (0): what the sync thread does with a record larger than the state said.
        case misjudged(String)
    }

    /// Puts and appends are bounded, so that the storage tests' records are encoded by the sync thread, as reports
    /// are; the rest are encoded by the writer. (JSONEncoder escapes a byte into at most six.)
    static func logPayloadSizeBound(of change: Change) -> Int? {
        switch change {
        case let .put(key, value), let .lazyPut(key, value), let .append(key, value): 64 + 6 * (key.utf8.count + value.utf8.count)
        case .migration, .archive: nil
        case .misjudged: 0
        }
    }

    static func isPublishedAtOnce(_ change: Change) -> Bool {
        if case .lazyPut = change { false } else { true }
    }

    var values: [String: String] = [:]
    var appliedMigrations: [AppliedMigration] = []
    var archive: [String] = []

    init() {}

    mutating func apply(_ change: Change) throws {
        switch change {
        case let .put(key, value), let .lazyPut(key, value): values[key] = value
        // Not idempotent: applying a record twice would show.
        case let .append(key, suffix): values[key, default: ""] += suffix
        case let .migration(done): appliedMigrations.append(done)
        case let .archive(text): archive.append(text)
        case let .misjudged(text): values["misjudged"] = text
        }
    }

    func snapshotFiles() throws -> [String: SnapshotFile] {
        // Values streamed one per piece, so that the streamed path is the one the storage tests cross.
        let values = self.values
        return [
            "values.json": .streamed { writer in
                try writer.write(Array("{".utf8))
                for (index, key) in values.keys.sorted().enumerated() {
                    let pair = try JSONEncoder().encode([key: values[key]])
                    try writer.write((index > 0 ? [UInt8(ascii: ",")] : []) + pair.dropFirst().dropLast())
                }
                try writer.write(Array("}".utf8))
            },
            "migrations.json": .data(try JSONEncoder().encode(appliedMigrations)),
            // The archive only grows, so its length fixes its text: sealed, so that the storage tests' checkpoints (and
            // crashes in them) link a file from the snapshot before, as the campaign's ledger files are.
            "archive-\(archive.count).json": .sealed(.data(try JSONEncoder().encode(archive))),
        ]
    }

    init(snapshotFiles files: [String: Data]) throws {
        values = try JSONDecoder().decode([String: String].self, from: files["values.json"] ?? Data("{}".utf8))
        appliedMigrations = try JSONDecoder().decode([AppliedMigration].self, from: files["migrations.json"] ?? Data("[]".utf8))
        archive = try JSONDecoder().decode([String].self, from: files.first { $0.key.hasPrefix("archive-") }?.value ?? Data("[]".utf8))
    }

    static func migrationChange(_ migration: MigrationFile, at date: Date) throws -> Change {
        .migration(AppliedMigration(id: migration.id, checksum: migration.checksum, appliedAt: Date(timeIntervalSince1970: 0)))
    }
}

typealias ToyStore = Store<ToyState>

let quietLogger: Logger = {
    var logger = Logger(label: "storage-test")
    logger.logLevel = .critical
    return logger
}()

extension Store where State == ToyState {
    /// The defaults, but zeros reserved a few KiB ahead rather than a MiB: tests that open hundreds of folders would
    /// each sync a megabyte of zeros.
    static var toyOptions: StoreOptions {
        var options = StoreOptions()
        options.segmentReserveBytes = 4096
        return options
    }

    static func openToy(_ folder: URL, fileSystem: any FileSystem = PosixFileSystem(), options: StoreOptions = toyOptions) throws -> ToyStore {
        try ToyStore.open(folder: folder, options: options, fileSystem: fileSystem, logger: quietLogger)
    }

    func put(_ key: String, _ value: String) async throws {
        try await commit { _ in .write(.put(key: key, value: value), ()) }
    }

    func archive(_ text: String) async throws {
        try await commit { _ in .write(.archive(text), ()) }
    }

    func putLazily(_ key: String, _ value: String) async throws {
        try await commit { _ in .write(.lazyPut(key: key, value: value), ()) }
    }

    var values: [String: String] { read { $0.values } }
}

/// A folder where `count` values were written, left as a killed process leaves it.
func crashedToyFolder(records count: Int) async throws -> URL {
    let folder = try RepositoryPaths.makeTemporaryFolder("store")
    let store = try ToyStore.openToy(folder)
    for index in 0..<count { try await store.put("k\(index)", "value-\(index)") }
    store.abandon()
    return folder
}

/// A segment's records, without the zeros the writer reserves after them.
func records(of segment: URL) throws -> Data {
    let bytes = try Data(contentsOf: segment)
    let scan = SegmentScan(bytes: [UInt8](bytes), segment: UInt64(segment.lastPathComponent.prefix(20)) ?? 0)
    return bytes.prefix(scan.validBytes)
}

func walFiles(_ folder: URL) throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: folder.appendingPathComponent("wal"), includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == "wal" }.sorted { $0.path < $1.path }
}

/// Keeps every line logged through `logger`, for tests that check what an operator would be told.
final class CapturedLogs: @unchecked Sendable {
    struct Line {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let lock = NSLock()
    private var captured: [Line] = []

    var lines: [Line] { lock.withLock { captured } }

    var logger: Logger {
        var logger = Logger(label: "storage-test") { _ in Handler(logs: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func record(_ line: Line) { lock.withLock { captured.append(line) } }

    private struct Handler: LogHandler {
        let logs: CapturedLogs
        var logLevel = Logger.Level.trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            logs.record(Line(level: event.level, message: event.message.description,
                             metadata: metadata.merging(event.metadata ?? [:]) { _, new in new }))
        }
    }
}
