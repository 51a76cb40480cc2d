import ArgumentParser

@main
struct Cleanheat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanheat",
        abstract: "朔城区冬季清洁取暖 daily-report server: reports, bulletins, supervision.",
        subcommands: [Serve.self, Migrate.self, Verify.self, TokenCommand.self, Backup.self, Checkpoint.self]
    )

    /// ArgumentParser's own `main`, but the log is written out before an error is printed: the log writer thread,
    /// still writing lines logged just before (the migrations applied), cut into the error's text.
    static func main() async {
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            LogOutput.standardError.flush()
            exit(withError: error)
        }
    }
}
