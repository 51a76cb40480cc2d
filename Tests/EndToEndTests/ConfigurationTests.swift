import Foundation
import Testing
import TestSupport

/// Start-up refuses a bad config file, naming the file, the key and what is wrong.
@Suite struct ConfigurationTests {
    @Test(arguments: [
        (#"{"limits": {"bodyBytes": "big"}}"#, "limits.bodyBytes: must be an integer"),
        (#"{"campaign": {"reportDeadline": "6pm"}}"#, "campaign.reportDeadline: must be HH:MM, got 6pm"),
        (#"{"campaign": {"timeZone": "Mars/Olympus"}}"#, "campaign.timeZone: unknown time zone Mars/Olympus"),
        (#"{"limtis": {}}"#, "limtis: unknown key (allowed: campaign, lagging, limits"),
        (#"{"limits": "#, "(file): malformed JSON"),
        // JSONSerialization alone took these two: a trailing comma, and one of two equal keys.
        (#"{"limits": {"bodyBytes": 100,}}"#, "(file): malformed JSON"),
        (#"{"limits": {"bodyBytes": 100, "bodyBytes": 200}}"#, "(file): malformed JSON"),
        // Names the data defines, checked once migrations are applied.
        (#"{"campaign": {"subsidies": {"household-electric": {"centralPerHousehold": 3000}}}}"#,
         "campaign.subsidies.household-electric: no such path"),
        (#"{"campaign": {"seasons": {"2012": {"deadline": "2012-11-30"}}}}"#, "campaign.seasons.2012: no such season"),
        // Found before a data folder is made for a server that cannot start.
        (#"{"server": {"tls": {"certificate": "/nope.pem", "privateKey": "/nope.key"}}}"#, "server.tls.certificate: cannot read /nope.pem"),
    ])
    func badConfigStopsStartUp(contents: String, saying: String) throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("cleanheat-config")
        let config = folder.appendingPathComponent("bad.json")
        try Data(contents.utf8).write(to: config)
        #expect(throws: ServerProcessError.self) { try ServerProcess.start(config: config) }
        let result = try Shell.run("'\(RepositoryPaths.binary.path)' serve --port 0 --data '\(folder.path)/data' --config '\(config.path)'")
        #expect(result.status != 0)
        // The file, the key and what is wrong with it.
        #expect(result.error.contains("config \(config.path): \(saying)"), "\(result.error)")
    }

    @Test func missingConfigFileNamedExplicitlyStopsStartUp() throws {
        let result = try Shell.run("'\(RepositoryPaths.binary.path)' serve --port 0 --data /tmp/cleanheat-nowhere-data --config /tmp/cleanheat-no-such.json")
        #expect(result.status != 0)
        #expect(result.error.contains("config /tmp/cleanheat-no-such.json: (file): cannot read the file"), "\(result.error)")
    }
}
