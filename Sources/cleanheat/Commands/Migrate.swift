import ArgumentParser
import Domain
import Foundation
import Storage

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations, or list them with --status.")

    @OptionGroup var options: DataOptions

    @Flag(help: "List applied and pending migrations without applying any.")
    var status = false

    func run() async throws {
        let logger = Logs.bootstrap()
        let configuration = try options.loadConfiguration(logger: logger)
        let store = try options.openStore(configuration, logger: logger, creating: !status)
        defer { try? store.close() }
        let files = try Store<CampaignState>.loadMigrations(from: options.migrationsURL(configuration))
        if status {
            for entry in store.migrationStatus(files) { print("\(entry.state)\t\(entry.id)") }
            return
        }
        let applied = try await store.applyMigrations(files)
        print(applied.isEmpty ? "nothing to apply" : "applied: \(applied.joined(separator: ", "))")
    }
}
