import Foundation
import Testing
import TestSupport
@testable import Storage

@Suite struct MigrationRunnerTests {
    @Test func appliedOnceRecordedWithChecksumAndAChangedFileStops() async throws {
        let migrations = try RepositoryPaths.makeTemporaryFolder("migrations")
        try Data("{\"a\":1}".utf8).write(to: migrations.appendingPathComponent("0001_first.json"))
        try Data("{\"b\":2}".utf8).write(to: migrations.appendingPathComponent("0002_second.json"))
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let store = try ToyStore.openToy(folder)
        let files = try ToyStore.loadMigrations(from: migrations)
        #expect(store.migrationStatus(files).map(\.state) == ["pending", "pending"])
        #expect(try await store.applyMigrations(files) == ["0001_first.json", "0002_second.json"])
        #expect(try await store.applyMigrations(files).isEmpty)
        #expect(store.read { $0.appliedMigrations.map(\.checksum) } == files.map(\.checksum))
        try store.close()
        try Data("{\"b\":3}".utf8).write(to: migrations.appendingPathComponent("0002_second.json"))
        let reopened = try ToyStore.openToy(folder)
        let changed = try ToyStore.loadMigrations(from: migrations)
        #expect(reopened.migrationStatus(changed).map(\.state) == ["applied", "changed"])
        await #expect(throws: StoreError.migrationChanged(id: "0002_second.json")) { try await reopened.applyMigrations(changed) }
        try reopened.close()
    }
}
