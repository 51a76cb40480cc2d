import Foundation
import Testing
import TestSupport
@testable import API

/// `config/default.json` and the embedded default are the same configuration.
@Suite struct AppConfigurationTests {
    @Test func defaultFileEqualsTheEmbeddedDefault() throws {
        let file = try AppConfiguration.load(from: RepositoryPaths.defaultConfig)
        let embedded = AppConfiguration()
        #expect(file.http.host == embedded.http.host && file.http.port == embedded.http.port)
        #expect(file.http.maxRequestLineBytes == 8 * 1024 && embedded.http.maxRequestLineBytes == 8 * 1024)
        #expect(file.http.maxHeaderBytes == 32 * 1024 && embedded.http.maxHeaderBytes == 32 * 1024)
        #expect(file.http.maxHeaderCount == 100 && embedded.http.maxHeaderCount == 100)
        #expect(file.http.maxBodyBytes == 1 << 20 && embedded.http.maxBodyBytes == 1 << 20)
        #expect(file.http.headerTimeout == 10 && embedded.http.headerTimeout == 10)
        #expect(file.http.bodyTimeout == 30 && embedded.http.bodyTimeout == 30)
        #expect(file.http.keepAliveTimeout == 60 && embedded.http.keepAliveTimeout == 60)
        #expect(file.http.maxConnections == 1024 && embedded.http.maxConnections == 1024)
        #expect(file.http.shutdownGrace == 10 && embedded.http.shutdownGrace == 10)
        #expect(abs(file.http.busyPoll - 0.0002) < 1e-12 && abs(embedded.http.busyPoll - 0.0002) < 1e-12)
        #expect(file.http.compressionMinBytes == embedded.http.compressionMinBytes)
        #expect(file.campaign.time.timeZone.identifier == "Asia/Shanghai")
        #expect(embedded.campaign.time.timeZone.identifier == "Asia/Shanghai")
        #expect(file.campaign.reportDeadline == embedded.campaign.reportDeadline)
        #expect(file.campaign.reportDeadline.description == "18:00")
        #expect(file.campaign.lateWindowDays == 3 && embedded.campaign.lateWindowDays == 3)
        #expect(file.campaign.seasonDeadlines == embedded.campaign.seasonDeadlines)
        #expect(file.campaign.seasonReportingEnds == embedded.campaign.seasonReportingEnds)
        #expect(file.campaign.subsidyOverrides == embedded.campaign.subsidyOverrides)
        #expect(file.campaign.plausibility == embedded.campaign.plausibility)
        #expect(file.campaign.lagging == embedded.campaign.lagging)
        #expect(file.campaign.maxVillagesPerReport == embedded.campaign.maxVillagesPerReport)
        #expect(file.campaign.maxImportRows == embedded.campaign.maxImportRows)
        #expect(file.campaign.maxIssuesPerReport == embedded.campaign.maxIssuesPerReport)
        #expect(file.campaign.maxUpdatesPerTask == 1_000 && embedded.campaign.maxUpdatesPerTask == 1_000)
        #expect(file.campaign.maxFuelTons == 1_000_000 && embedded.campaign.maxFuelTons == 1_000_000)
        #expect(file.http.bodyMinimumBytesPerSecond == 1_024 && embedded.http.bodyMinimumBytesPerSecond == 1_024)
        #expect(file.campaign.maxTextLength == embedded.campaign.maxTextLength)
        #expect(file.api.rateLimits == embedded.api.rateLimits)
        #expect(file.storage == embedded.storage)
        #expect(file.migrationsFolder == embedded.migrationsFolder)
    }

    @Test func busyPollIsReadInMicrosecondsAndBounded() throws {
        let folder = try RepositoryPaths.makeTemporaryFolder()
        let url = folder.appendingPathComponent("c.json")
        try Data(#"{"timeouts": {"busyPollMicroseconds": 0}}"#.utf8).write(to: url)
        #expect(try AppConfiguration.load(from: url).http.busyPoll == 0)
        try Data(#"{"timeouts": {"busyPollMicroseconds": 50}}"#.utf8).write(to: url)
        #expect(abs(try AppConfiguration.load(from: url).http.busyPoll - 0.00005) < 1e-12)
        try Data(#"{"timeouts": {"busyPollMicroseconds": 20000}}"#.utf8).write(to: url)
        #expect(throws: ConfigError.self) { try AppConfiguration.load(from: url) }
    }

    /// A shutdown grace of 1e16 s passed the check and trapped at SIGTERM: every time limit is at most a day.
    @Test(arguments: ["headerSeconds", "bodySeconds", "keepAliveIdleSeconds", "shutdownGraceSeconds"])
    func timeLimitsAreAtMostADay(key: String) throws {
        let url = try RepositoryPaths.makeTemporaryFolder().appendingPathComponent("c.json")
        try Data(#"{"timeouts": {"\#(key)": 86400}}"#.utf8).write(to: url)
        _ = try AppConfiguration.load(from: url)
        try Data(#"{"timeouts": {"\#(key)": 1e16}}"#.utf8).write(to: url)
        #expect(throws: ConfigError.self) { try AppConfiguration.load(from: url) }
    }

    @Test func subsidyOverridesFillTheAmountsThePlanDefers() throws {
        let folder = try RepositoryPaths.makeTemporaryFolder()
        let url = folder.appendingPathComponent("c.json")
        try Data(#"{"campaign": {"subsidies": {"gas": {"centralPerHousehold": 3000, "cityPerHousehold": 200}}}}"#.utf8).write(to: url)
        let config = try AppConfiguration.load(from: url)
        #expect(config.campaign.subsidyOverrides["gas"]?.centralPerHousehold == 3000)
    }

    @Test func errorsNameFileAndKey() throws {
        let folder = try RepositoryPaths.makeTemporaryFolder()
        let url = folder.appendingPathComponent("c.json")
        try Data(#"{"timeouts": {"headerSeconds": -1}}"#.utf8).write(to: url)
        do {
            _ = try AppConfiguration.load(from: url)
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(error.file == url.path)
            #expect(error.key == "timeouts.headerSeconds")
        }
        // Lagging levels that do not rise with their thresholds stop start-up, naming the key.
        try Data(#"{"lagging": {"missedNotice": 3, "missedCriticize": 2}}"#.utf8).write(to: url)
        do {
            _ = try AppConfiguration.load(from: url)
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(error.key == "lagging.missedNotice")
        }
    }
}
