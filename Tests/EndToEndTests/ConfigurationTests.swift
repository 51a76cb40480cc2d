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
        // A misspelt path with null amounts sets nothing, and is named all the same.
        (#"{"campaign": {"subsidies": {"nosuchpath": {"centralPerHousehold": null, "cityPerHousehold": null}}}}"#,
         "campaign.subsidies.nosuchpath: no such path"),
        // Found before a data folder is made for a server that cannot start.
        (#"{"server": {"tls": {"certificate": "/nope.pem", "privateKey": "/nope.key"}}}"#, "server.tls.certificate: cannot read /nope.pem"),
        (#"{"server": {"tls": {"certificate": "nope.pem", "privateKey": "/nope.key"}}}"#,
         "server.tls.certificate: cannot read nope.pem (\(FileManager.default.currentDirectoryPath)/nope.pem, relative to the folder the command runs in)"),
        (#"{"server": {"host": "not a host"}}"#, "server.host: not a host is no address to listen on"),
        (#"{"migrations": ""}"#, "migrations: must be a folder path"),
        (#"{"campaign": {"lateWindowDays": 100000}}"#, "campaign.lateWindowDays: must be at most 366"),
        (#"{"plausibility": {"jumpShareOfTarget": 5}}"#, "plausibility.jumpShareOfTarget: must be at most 1"),
        (#"{"timeouts": {"busyPollMicroseconds": 20000}}"#, "timeouts.busyPollMicroseconds: must be at most 10000"),
        (#"{"lagging": {"stalledNotice": 1}}"#, "lagging.stalledNotice: stalledNotice 至少为 2"),
        (#"{"timeouts": {"headerSeconds": 0.001}}"#, "timeouts.headerSeconds: must be at least 0.01"),
        // null is no "default": refused like any other wrong type (but where it means none, as server.tls).
        (#"{"server": {"host": null}}"#, "server.host: must be a string"),
        (#"{"limits": null}"#, "limits: must be an object"),
        (#"{"campaign": {"seasons": {"2021": {"deadline": "2021-10-31", "reportingEnd": "2021-10-01"}}}}"#,
         "campaign.seasons.2021.reportingEnd: must not be before deadline"),
        // Against the season's dates from the plan (2021-07-26 to the deadline 2021-10-31).
        (#"{"campaign": {"seasons": {"2021": {"reportingEnd": "2021-01-01"}}}}"#,
         "campaign.seasons.2021.reportingEnd: must not be before the deadline (2021-10-31)"),
        (#"{"campaign": {"seasons": {"2021": {"deadline": "2021-01-01"}}}}"#,
         "campaign.seasons.2021.deadline: must not be before the season's start (2021-07-26)"),
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
        // A check against the plan's dates runs after the migrations: their line comes whole and before the
        // refusal (the log writer thread once cut into the error's text).
        if saying.contains("(2021-") {
            let beforeRefusal = try #require(result.error.components(separatedBy: "Error: ").first)
            let lines = beforeRefusal.split(separator: "\n")
            #expect(beforeRefusal.hasSuffix("\n") && lines.contains { $0.contains("applied migrations: ") && $0.hasSuffix(".json") },
                    "\(result.error)")
        }
    }

    /// What can be found wrong before a data folder is made stops start-up before one is: a typo must not leave a
    /// migrated folder with a bootstrap token behind. Each names what to fix.
    @Test func refusalsBeforeAnyDataFolderIsMade() throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("cleanheat-early")
        let garbage = folder.appendingPathComponent("garbage.pem")
        try Data("not a certificate".utf8).write(to: garbage)
        let tls = folder.appendingPathComponent("tls.json")
        try Data(#"{"server": {"tls": {"certificate": "\#(garbage.path)", "privateKey": "\#(garbage.path)"}}}"#.utf8).write(to: tls)
        let strays = folder.appendingPathComponent("migrations")
        try FileManager.default.copyItem(at: RepositoryPaths.migrations, to: strays)
        try Data("{}".utf8).write(to: strays.appendingPathComponent("notes.json"))
        let binary = RepositoryPaths.binary.path, config = RepositoryPaths.defaultConfig.path
        let cases: [(String, String)] = [
            ("--port 70000 --config '\(config)'", "--port must be 0 to 65535"),
            ("--port 0 --host 'not a host' --config '\(config)'", "--host not a host is no address to listen on"),
            ("--port 0 --config '\(tls.path)'", "config \(tls.path): server.tls:"),
            ("--port 0 --config '\(config)' --migrations '\(folder.path)/nowhere'", "no migrations folder at \(folder.path)/nowhere"),
            ("--port 0 --config '\(config)' --migrations '\(strays.path)'", "notes.json is in the migrations folder but not named NNNN_name.json"),
        ]
        // Found only once the migrations are in (names the plan defines), or the port taken: the folder this start
        // made goes again.
        let season = folder.appendingPathComponent("season.json")
        try Data(#"{"campaign": {"seasons": {"2099": {"deadline": "2099-10-31"}}}}"#.utf8).write(to: season)
        let planned = folder.appendingPathComponent("planned.json")
        try Data(#"{"campaign": {"subsidies": {"solar_plus": {"centralPerHousehold": 1, "cityPerHousehold": null}}}}"#.utf8).write(to: planned)
        let taken = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(taken) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(taken, $0, length) } }
        listen(taken, 1)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(taken, $0, &length) } }
        let takenPort = Int(UInt16(bigEndian: address.sin_port))
        let late: [(String, String)] = [
            ("--port 0 --config '\(season.path)'", "config \(season.path): campaign.seasons.2099: no such season"),
            ("--port 0 --config '\(planned.path)'", "campaign.subsidies.solar_plus.centralPerHousehold: the plan sets it (8100"),
            ("--port \(takenPort) --config '\(config)'", "cannot listen on 127.0.0.1:\(takenPort)"),
            ("--port 0 --host 192.0.2.1 --config '\(config)'", "cannot listen on 192.0.2.1:0"),
        ]
        for (index, (arguments, saying)) in (cases + late).enumerated() {
            let data = folder.appendingPathComponent("data-\(index)")
            let result = try Shell.run("'\(binary)' serve --data '\(data.path)' \(arguments)")
            #expect(result.status != 0 && result.error.contains(saying), "\(arguments): \(result.error)")
            #expect(!FileManager.default.fileExists(atPath: data.path), "\(arguments) left a data folder")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("data-") }
        #expect(left.isEmpty, "nothing moved aside is left either: \(left)")
    }

    @Test func missingConfigFileNamedExplicitlyStopsStartUp() throws {
        let result = try Shell.run("'\(RepositoryPaths.binary.path)' serve --port 0 --data /tmp/cleanheat-nowhere-data --config /tmp/cleanheat-no-such.json")
        #expect(result.status != 0)
        #expect(result.error.contains("config /tmp/cleanheat-no-such.json: (file): cannot read the file"), "\(result.error)")
    }
}
