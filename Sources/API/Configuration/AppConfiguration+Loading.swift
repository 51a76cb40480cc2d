import Domain
import Foundation
import HTTPCore

extension AppConfiguration {
    /// The longest any time limit may be set (a day): 1e16 s for the shutdown grace once passed the check and
    /// trapped in the conversion to milliseconds at SIGTERM.
    static let longestTimeout = 86_400.0

    /// Reads a config file over the defaults. Any problem stops start-up with the file, the key and what is wrong.
    public static func load(from url: URL) throws -> AppConfiguration {
        let root = try ConfigReader.load(url)
        var config = AppConfiguration()
        try root.allowOnly(["server", "limits", "timeouts", "campaign", "plausibility", "lagging", "rateLimits", "storage", "migrations"])
        if let server = try root.section("server") { try config.readServer(server) }
        if let limits = try root.section("limits") {
            try limits.allowOnly(["requestLineBytes", "headerBytes", "headerFields", "bodyBytes", "maxConnections", "gzipMinBytes"])
            try limits.int("requestLineBytes", &config.http.maxRequestLineBytes, min: 64)
            try limits.int("headerBytes", &config.http.maxHeaderBytes, min: 256)
            try limits.int("headerFields", &config.http.maxHeaderCount, min: 1)
            try limits.int("bodyBytes", &config.http.maxBodyBytes, min: 1)
            try limits.int("maxConnections", &config.http.maxConnections, min: 1)
            try limits.int("gzipMinBytes", &config.http.compressionMinBytes)
        }
        if let timeouts = try root.section("timeouts") {
            try timeouts.allowOnly(["headerSeconds", "bodySeconds", "bodyMinimumBytesPerSecond", "keepAliveIdleSeconds",
                                   "shutdownGraceSeconds", "busyPollMicroseconds"])
            try timeouts.double("headerSeconds", &config.http.headerTimeout, min: 0.01, max: Self.longestTimeout)
            try timeouts.double("bodySeconds", &config.http.bodyTimeout, min: 0.01, max: Self.longestTimeout)
            try timeouts.double("bodyMinimumBytesPerSecond", &config.http.bodyMinimumBytesPerSecond, min: 1)
            try timeouts.double("keepAliveIdleSeconds", &config.http.keepAliveTimeout, min: 0.01, max: Self.longestTimeout)
            try timeouts.double("shutdownGraceSeconds", &config.http.shutdownGrace, max: Self.longestTimeout)
            var busyPoll = config.http.busyPoll * 1e6
            try timeouts.double("busyPollMicroseconds", &busyPoll, max: 10_000)
            config.http.busyPoll = busyPoll / 1e6
        }
        if let campaign = try root.section("campaign") { try config.readCampaign(campaign) }
        if let plausibility = try root.section("plausibility") {
            try plausibility.allowOnly(["jumpShareOfTarget", "jumpMinHouseholds", "unchangedDays"])
            try plausibility.double("jumpShareOfTarget", &config.campaign.plausibility.jumpShareOfTarget, max: 1) // a share
            try plausibility.int("jumpMinHouseholds", &config.campaign.plausibility.jumpMinHouseholds)
            try plausibility.int("unchangedDays", &config.campaign.plausibility.unchangedDays, max: 366)
        }
        if let lagging = try root.section("lagging") { try config.readLagging(lagging) }
        if let limits = try root.section("rateLimits") {
            try limits.allowOnly(["perTokenPerMinute", "failedAuthPerMinute"])
            try limits.int("perTokenPerMinute", &config.api.rateLimits.perTokenPerMinute)
            try limits.int("failedAuthPerMinute", &config.api.rateLimits.failedAuthPerMinute)
        }
        if let storage = try root.section("storage") {
            try storage.allowOnly(["segmentMaxBytes", "checkpointEveryBytes", "checkpointEveryRecords", "checkpointWALShareOfSnapshot",
                                   "checkpointDeferFactor", "slowSyncWarningSeconds", "idlePublicationSeconds"])
            try storage.int("segmentMaxBytes", &config.storage.segmentMaxBytes, min: 4096)
            try storage.int("checkpointEveryBytes", &config.storage.checkpointEveryBytes, min: 4096)
            try storage.int("checkpointEveryRecords", &config.storage.checkpointEveryRecords, min: 1)
            try storage.double("checkpointWALShareOfSnapshot", &config.storage.checkpointWALShareOfSnapshot, max: 100)
            try storage.double("checkpointDeferFactor", &config.storage.checkpointDeferFactor, min: 1, max: 100)
            try storage.double("slowSyncWarningSeconds", &config.storage.slowSyncWarningSeconds)
            try storage.double("idlePublicationSeconds", &config.storage.idlePublicationSeconds, max: 60)
        }
        if let folder = try root.string("migrations") {
            // An empty path read the working folder and applied whatever JSON lay there.
            guard !folder.trimmingCharacters(in: .whitespaces).isEmpty else { throw root.fail("migrations", "must be a folder path, got an empty string") }
            config.migrationsFolder = folder
        }
        return config
    }

    private mutating func readServer(_ server: ConfigReader) throws {
        try server.allowOnly(["host", "port", "tls"])
        if let host = try server.string("host") { http.host = host }
        try server.int("port", &http.port)
        if http.port > 65_535 { throw server.fail("port", "must be at most 65535") }
        if let tls = try server.section("tls", nullable: true) {
            try tls.allowOnly(["certificate", "privateKey"])
            guard let certificate = try tls.string("certificate") else { throw tls.fail("certificate", "is required with tls") }
            guard let key = try tls.string("privateKey") else { throw tls.fail("privateKey", "is required with tls") }
            // Checked here, naming the key, before a data folder is created or migrated for a server that cannot start.
            for (name, path) in [("certificate", certificate), ("privateKey", key)] where !FileManager.default.isReadableFile(atPath: path) {
                // A relative path is the working folder's, as every path the command takes: said, as it surprised.
                let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
                throw tls.fail(name, "cannot read \(path)" + (path.hasPrefix("/") ? "" : " (\(absolute), relative to the folder the command runs in)"))
            }
            http.tls = TLSConfiguration(certificatePath: certificate, privateKeyPath: key)
        }
    }

    private mutating func readCampaign(_ section: ConfigReader) throws {
        try section.allowOnly(["timeZone", "reportDeadline", "lateWindowDays", "seasons", "subsidies", "maxVillagesPerReport",
                               "maxImportRows", "maxIssuesPerReport", "maxTextLength", "maxUpdatesPerTask", "maxFuelTons"])
        if let zone = try section.string("timeZone") {
            guard let time = DistrictTime(identifier: zone) else { throw section.fail("timeZone", "unknown time zone \(zone)") }
            campaign.time = time
        }
        if let deadline = try section.string("reportDeadline") {
            guard let time = TimeOfDay(deadline) else { throw section.fail("reportDeadline", "must be HH:MM, got \(deadline)") }
            campaign.reportDeadline = time
        }
        try section.int("lateWindowDays", &campaign.lateWindowDays, max: 366) // a season's days at most
        try section.int("maxVillagesPerReport", &campaign.maxVillagesPerReport, min: 1)
        try section.int("maxImportRows", &campaign.maxImportRows, min: 1)
        try section.int("maxIssuesPerReport", &campaign.maxIssuesPerReport)
        try section.int("maxTextLength", &campaign.maxTextLength, min: 1)
        try section.int("maxUpdatesPerTask", &campaign.maxUpdatesPerTask, min: 1)
        try section.double("maxFuelTons", &campaign.maxFuelTons, min: 0)
        if let seasons = try section.section("seasons") {
            for id in seasons.keys {
                guard let season = try seasons.section(id) else { continue }
                try season.allowOnly(["deadline", "reportingEnd"])
                func date(_ name: String) throws -> LocalDate? {
                    guard let text = try season.string(name) else { return nil }
                    guard let date = LocalDate(text) else { throw season.fail(name, "must be YYYY-MM-DD, got \(text)") }
                    return date
                }
                let deadline = try date("deadline"), end = try date("reportingEnd")
                // The season's start is the migration's (checked against it once applied); these two, against each other.
                if let deadline, let end, end < deadline {
                    throw season.fail("reportingEnd", "must not be before deadline (\(deadline)), got \(end)")
                }
                if let deadline { campaign.seasonDeadlines[id] = deadline }
                if let end { campaign.seasonReportingEnds[id] = end }
            }
        }
        if let subsidies = try section.section("subsidies") {
            for path in subsidies.keys {
                subsidyPathsNamed.append(path)
                guard let entry = try subsidies.section(path) else { continue }
                try entry.allowOnly(["centralPerHousehold", "cityPerHousehold"])
                var central: Int?, city: Int?
                try entry.optionalInt("centralPerHousehold", &central)
                try entry.optionalInt("cityPerHousehold", &city)
                if central != nil || city != nil {
                    campaign.subsidyOverrides[path] = SubsidyOverride(centralPerHousehold: central, cityPerHousehold: city)
                }
            }
        }
    }

    private mutating func readLagging(_ section: ConfigReader) throws {
        try section.allowOnly(LaggingReport.queryNames)
        try section.int("missedNotice", &campaign.lagging.missedNotice)
        try section.int("missedCriticize", &campaign.lagging.missedCriticize)
        try section.int("missedRefer", &campaign.lagging.missedRefer)
        try section.int("lateNotice", &campaign.lagging.lateNotice)
        try section.int("lateCriticize", &campaign.lagging.lateCriticize)
        try section.double("behindCriticizePoints", &campaign.lagging.behindCriticizePoints)
        try section.double("behindReferPoints", &campaign.lagging.behindReferPoints)
        try section.int("stalledNotice", &campaign.lagging.stalledNotice)
        try section.int("stalledCriticize", &campaign.lagging.stalledCriticize)
        try section.int("overdueReferDays", &campaign.lagging.overdueReferDays)
        // The levels must rise with their thresholds here too: else every query without overrides would be refused.
        do { _ = try LaggingReport.thresholds(from: [:], defaults: campaign.lagging) } catch let error as DomainError {
            throw section.fail(error.details.first?.field ?? "", error.message)
        }
    }
}
