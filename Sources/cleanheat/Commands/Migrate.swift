import ArgumentParser
import Domain
import Foundation
import Storage

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations, or list them with --status.")

    @OptionGroup var options: DataOptions

    @Flag(help: "List applied and pending migrations without applying any; exit status 2 when an applied one changed or is missing.")
    var status = false

    func run() async throws {
        let logger = Logs.bootstrap()
        let configuration = try options.loadConfiguration(logger: logger)
        let files = try options.loadMigrations(configuration)
        let store = try options.openStore(configuration, logger: logger, creating: !status)
        defer { try? store.close(checkpointing: !status) }
        if status {
            let rows = store.migrationStatus(files)
            for entry in rows { print("\(entry.state)\t\(entry.id)") }
            // A changed or missing applied migration stops `serve`: a script checking the status must see it fail.
            if rows.contains(where: { $0.state == "changed" || $0.state == "missing" }) { throw ExitCode(2) }
            return
        }
        let applied = try await store.applyMigrations(files)
        print(applied.isEmpty ? "nothing to apply" : "applied: \(applied.joined(separator: ", "))")
    }
}
