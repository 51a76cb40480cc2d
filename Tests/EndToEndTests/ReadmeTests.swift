import Foundation
import Testing
import TestSupport

/// The README's curl commands, run verbatim against a real server, as a township's statistician would.
@Suite struct ReadmeTests {
    static func readmeCommands() throws -> String {
        let readme = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        guard let start = readme.range(of: "<!-- readme-commands:start -->"),
              let end = readme.range(of: "<!-- readme-commands:end -->") else { throw FixtureError.setup("README markers missing") }
        return readme[start.upperBound..<end.lowerBound]
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("```") }
            .joined(separator: "\n")
    }

    @Test func theDaysReportCommandsWorkAsWritten() async throws {
        let server = try ServerProcess.start()
        defer { server.stop() }
        let workdir = try RepositoryPaths.makeTemporaryFolder("cleanheat-readme")
        let script = "set -euo pipefail\n" + (try Self.readmeCommands())
        let result = try Shell.run(script, environment: ["CLEANHEAT": server.baseURL, "DATA": server.dataFolder.path],
                                   currentDirectory: workdir)
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.output.contains(#""revision":1"#))
        #expect(result.output.contains(#""status":"on_time""#))
        #expect(result.output.contains(#""date":"2021-10-15""#))
        #expect(result.output.contains(#""revisions":1"#))
        // The dry run answered like the stored report but created nothing new.
        let admin = APIClient(baseURL: server.baseURL, token: try server.adminToken)
        let stored = try await admin.get("/api/v1/reports/xiatuanpu/2021-10-15")
        #expect(stored.json["revisions"] as? Int == 1)
        #expect(FileManager.default.fileExists(atPath: workdir.appendingPathComponent("report.json").path))
    }
}
