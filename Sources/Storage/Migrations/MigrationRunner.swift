import Foundation

/// Applies the `migrations/` files in name order, once each, recording each with its checksum.
extension Store {
    /// `NNNN_name.json` files of a folder, in order, with their CRC-32 (hex) as checksum.
    public static func loadMigrations(from folder: URL, fileSystem: any FileSystem = PosixFileSystem()) throws -> [MigrationFile] {
        let path = folder.standardizedFileURL.path
        let names = try fileSystem.list(path).filter { $0.hasSuffix(".json") }.sorted()
        // Any other JSON file in the folder (a stray copy, a note) would be applied as reference data: refused.
        if let stray = names.first(where: { !Self.isMigrationName($0) }) { throw StoreError.migrationMisnamed(file: path + "/" + stray) }
        return try names.map { name in
            let contents = try fileSystem.readFile(path + "/" + name)
            return MigrationFile(id: name, contents: contents, checksum: Checksum.hex(contents))
        }
    }

    /// `NNNN_name.json`: four digits give the order.
    static func isMigrationName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return bytes.count > 10 && bytes.prefix(4).allSatisfy { (48...57).contains($0) } && bytes[4] == UInt8(ascii: "_")
    }

    public func migrationStatus(_ files: [MigrationFile]) -> [(id: String, state: String)] {
        let applied = read { $0.appliedMigrations }
        var rows = files.map { file -> (id: String, state: String) in
            guard let done = applied.first(where: { $0.id == file.id }) else { return (file.id, "pending") }
            return (file.id, done.checksum == file.checksum ? "applied" : "changed")
        }
        for done in applied where !files.contains(where: { $0.id == done.id }) { rows.append((done.id, "missing")) }
        return rows
    }

    /// Applies pending migrations; an applied one that changed or vanished stops everything, naming it.
    @discardableResult
    public func applyMigrations(_ files: [MigrationFile]) async throws -> [String] {
        let applied = read { $0.appliedMigrations }
        for done in applied {
            guard let file = files.first(where: { $0.id == done.id }) else { throw StoreError.migrationMissing(id: done.id) }
            if file.checksum != done.checksum { throw StoreError.migrationChanged(id: done.id) }
        }
        var newlyApplied: [String] = []
        for file in files where !applied.contains(where: { $0.id == file.id }) {
            let change = try State.migrationChange(file, at: Date())
            let id = file.id
            try await commit { state in
                state.appliedMigrations.contains { $0.id == id } ? .noWrite(()) : .write(change, ())
            }
            newlyApplied.append(file.id)
        }
        return newlyApplied
    }
}
