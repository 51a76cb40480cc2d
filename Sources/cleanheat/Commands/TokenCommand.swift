import ArgumentParser
import Domain
import Foundation

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue or list tokens on a stopped server's data folder (a running server holds the folder's lock: use POST /api/v1/tokens then).",
        subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token; prints its id and secret (the secret is shown only here).")
        @OptionGroup var options: DataOptions
        @Option(help: "reporter, office, supervisor or admin") var role: String
        @Option(help: "The unit a reporter is bound to.") var unit: String?
        @Option(help: "What the token is for, e.g. “下团堡乡 统计员”.") var label: String

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be reporter, office, supervisor or admin") }
        }

        func run() async throws {
            let logger = Logs.bootstrap()
            let configuration = try options.loadConfiguration(logger: logger)
            guard let role = Role(rawValue: role) else { throw CommandFailure("--role must be reporter, office, supervisor or admin") }
            let store = try options.openStore(configuration, logger: logger, creating: false)
            defer { try? store.close() }
            let campaign = Campaign(store: store, rules: configuration.campaign, clock: SystemClock())
            let issued = try await campaign.issueToken(role: role, unit: unit, label: label, by: .commandLine("cleanheat token create"))
            print("\(issued.record.id)\t\(issued.secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens: id, role, unit, label, active or revoked (never a secret).")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let logger = Logs.bootstrap()
            let configuration = try options.loadConfiguration(logger: logger)
            let store = try options.openStore(configuration, logger: logger, creating: false)
            defer { try? store.close(checkpointing: false) }
            let campaign = Campaign(store: store, rules: configuration.campaign, clock: SystemClock())
            for token in campaign.tokens() {
                print([token.id, token.role.rawValue, token.unit ?? "-", token.label, token.revokedAt == nil ? "active" : "revoked"]
                    .joined(separator: "\t"))
            }
        }
    }
}
