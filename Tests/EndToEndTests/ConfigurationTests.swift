import Foundation
import Testing
import TestSupport

/// Start-up refuses a bad config file, naming the file, the key and what is wrong.
@Suite struct ConfigurationTests {
    @Test(arguments: [
        (#"{"limits": {"bodyBytes": "big"}}"#, "limits.bodyBytes"),
        (#"{"campaign": {"reportDeadline": "6pm"}}"#, "campaign.reportDeadline"),
        (#"{"campaign": {"timeZone": "Mars/Olympus"}}"#, "campaign.timeZone"),
        (#"{"limtis": {}}"#, "limtis"),
        (#"{"limits": "#, "malformed"),
    ])
    func badConfigStopsStartUp(contents: String, named: String) throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("cleanheat-config")
        let config = folder.appendingPathComponent("bad.json")
        try Data(contents.utf8).write(to: config)
        #expect(throws: ServerProcessError.self) { try ServerProcess.start(config: config) }
        let result = try Shell.run("'\(RepositoryPaths.binary.path)' serve --port 0 --data '\(folder.path)/data' --config '\(config.path)'")
        #expect(result.status != 0)
        #expect(result.error.contains(config.path))
        #expect(result.error.contains(named))
    }

    @Test func missingConfigFileNamedExplicitlyStopsStartUp() throws {
        let result = try Shell.run("'\(RepositoryPaths.binary.path)' serve --port 0 --data /tmp/cleanheat-nowhere-data --config /tmp/cleanheat-no-such.json")
        #expect(result.status != 0)
        #expect(result.error.contains("/tmp/cleanheat-no-such.json"))
    }
}
