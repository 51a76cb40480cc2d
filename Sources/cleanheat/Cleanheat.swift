import ArgumentParser

@main
struct Cleanheat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanheat",
        abstract: "朔城区冬季清洁取暖 daily-report server: reports, bulletins, supervision.",
        subcommands: [Serve.self, Migrate.self, Verify.self, TokenCommand.self, Backup.self, Checkpoint.self]
    )
}
