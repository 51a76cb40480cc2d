import ArgumentParser
import Domain
import Foundation
import Storage

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a stopped server's data folder consistently (a running server: POST /api/v1/admin/backup).")

    @OptionGroup var options: DataOptions

    @Option(help: "The folder to write the copy to (must not exist or be empty).")
    var to: String

    func run() async throws {
        let logger = Logs.bootstrap()
        let configuration = try options.loadConfiguration(logger: logger)
        let store = try options.openStore(configuration, logger: logger, creating: false)
        defer { try? store.close(checkpointing: false) }
        do {
            try store.backup(to: URL(fileURLWithPath: to, isDirectory: true))
        } catch let error as FileSystemError where error.errno == EEXIST {
            throw CommandFailure("backup target \(to) is not an empty folder; choose a new or empty one")
        }
        print("backup written to \(to)")
    }
}

struct Checkpoint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a snapshot of a stopped server's data folder and trim its WAL.")

    @OptionGroup var options: DataOptions

    func run() async throws {
        let logger = Logs.bootstrap()
        let configuration = try options.loadConfiguration(logger: logger)
        let store = try options.openStore(configuration, logger: logger, creating: false)
        try store.checkpoint()
        try store.close()
        print("checkpoint written")
    }
}
