import Domain
import Foundation
import HTTPCore

/// Everything `config/default.json` names. The defaults here are the embedded default: the server runs
/// on them when no file is given, and a test holds them equal to `config/default.json`.
public struct AppConfiguration: Sendable {
    public var http = HTTPServerConfiguration()
    public var campaign = CampaignRules()
    public var api = APISettings()
    public var storage = StorageSettings()
    /// Where the migration files are, relative to the working directory unless absolute.
    public var migrationsFolder = "migrations"
    /// Every path `campaign.subsidies` names, amounts or not: checked against the migrated paths at start-up
    /// (an entry of nulls for a misspelt path was passed over, as it sets nothing).
    public var subsidyPathsNamed: [String] = []

    public init() {
        campaign.seasonDeadlines = ["2021": LocalDate(year: 2021, month: 10, day: 31)].compactMapValues { $0 }
        campaign.seasonReportingEnds = ["2021": LocalDate(year: 2022, month: 4, day: 15)].compactMapValues { $0 }
    }
}

/// Storage settings, passed to the store as its options.
public struct StorageSettings: Sendable, Equatable {
    public var segmentMaxBytes = 64 << 20
    public var checkpointEveryBytes = 64 << 20
    public var checkpointEveryRecords = 100_000
    public var checkpointWALShareOfSnapshot = 1.0
    public var checkpointDeferFactor = 4.0
    public var slowSyncWarningSeconds = 0.5
    public var idlePublicationSeconds = 0.01
    public init() {}
}
