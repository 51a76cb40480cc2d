import ArgumentParser
import Foundation
import Storage

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a data folder (or a backup) without changing it; exit status 0 when sound, 1 when not.")

    @Argument(help: "The data folder to check.")
    var folder: String = "./data"

    func run() throws {
        let report = Store<Domain.CampaignState>.verify(folder: URL(fileURLWithPath: folder, isDirectory: true))
        print(report)
        if !report.isSound { throw ExitCode(1) }
    }
}

import Domain
