import API
import ArgumentParser
import Domain
import Foundation
import Logging
import Storage

/// Options every command that touches a data folder shares.
struct DataOptions: ParsableArguments {
    @Option(help: "The data folder.")
    var data: String = "./data"

    @Option(help: "The config file. When the default path does not exist, the embedded default is used.")
    var config: String = "config/default.json"

    @Option(help: "The migrations folder (default: the config's `migrations`).")
    var migrations: String?

    var dataURL: URL { URL(fileURLWithPath: data, isDirectory: true) }

    func loadConfiguration(logger: Logger) throws -> AppConfiguration {
        let url = URL(fileURLWithPath: config)
        if config == "config/default.json", !FileManager.default.fileExists(atPath: url.path) {
            logger.notice("config/default.json not found here: running on the embedded default configuration")
            return AppConfiguration()
        }
        return try AppConfiguration.load(from: url)
    }

    /// The seasons and paths the config names exist in the data (known only once migrations are applied): a
    /// misspelt `household-electric` under `campaign.subsidies` was accepted and changed nothing.
    func checkNames(in configuration: AppConfiguration, against store: Store<CampaignState>) throws {
        let (seasons, paths) = store.read { state in (Set(state.seasons.map(\.id)), Set(state.paths.map(\.id))) }
        let rules = configuration.campaign
        for id in Set(rules.seasonDeadlines.keys).union(rules.seasonReportingEnds.keys).sorted() where !seasons.contains(id) {
            throw ConfigError(file: config, key: "campaign.seasons.\(id)", problem: "no such season (known: \(seasons.sorted().joined(separator: ", ")))")
        }
        for id in Set(configuration.subsidyPathsNamed).sorted() where !paths.contains(id) {
            throw ConfigError(file: config, key: "campaign.subsidies.\(id)", problem: "no such path (known: \(paths.sorted().joined(separator: ", ")))")
        }
        // Config fills only what the plan leaves to another standard: an amount the plan sets was taken and ignored.
        for path in store.read({ $0.paths }) {
            guard let override = rules.subsidyOverrides[path.id] else { continue }
            for (field, given, planned) in [("centralPerHousehold", override.centralPerHousehold, path.subsidy.centralPerHousehold),
                                            ("cityPerHousehold", override.cityPerHousehold, path.subsidy.cityPerHousehold)] {
                guard given != nil, let planned else { continue }
                throw ConfigError(file: config, key: "campaign.subsidies.\(path.id).\(field)",
                                  problem: "the plan sets it (\(planned) yuan per household); only an amount the plan leaves to another standard (null in GET /api/v1/paths) can be given here")
            }
        }
        // A season's dates in config, against its start from the plan: a reporting end before the start refused
        // every report of the season.
        for season in store.read({ $0.seasons }) {
            let effective = rules.effective(season)
            if effective.deadline < season.start {
                throw ConfigError(file: config, key: "campaign.seasons.\(season.id).deadline",
                                  problem: "must not be before the season's start (\(season.start)), got \(effective.deadline)")
            }
            if effective.reportingEnd < effective.deadline {
                throw ConfigError(file: config, key: "campaign.seasons.\(season.id).reportingEnd",
                                  problem: "must not be before the deadline (\(effective.deadline)), got \(effective.reportingEnd)")
            }
        }
    }

    func migrationsURL(_ configuration: AppConfiguration) -> URL {
        URL(fileURLWithPath: migrations ?? configuration.migrationsFolder, isDirectory: true)
    }

    /// The migration files, read before any data folder is made: a missing folder (the binary run outside the
    /// repository) is named with the way to point at it, not as a bare `list …: No such file or directory`.
    func loadMigrations(_ configuration: AppConfiguration) throws -> [MigrationFile] {
        let folder = migrationsURL(configuration)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CommandFailure("no migrations folder at \(folder.path): give --migrations DIR or the config's `migrations` key "
                                  + "(the repository's folder is ./migrations; run from the repository's root)")
        }
        return try Store<CampaignState>.loadMigrations(from: folder)
    }

    /// `creating`: only `serve` and `migrate` begin a new data folder; any other command given a folder that does
    /// not exist (a typo in `--data`) says so, instead of answering from a new, empty campaign.
    func openStore(_ configuration: AppConfiguration, logger: Logger, creating: Bool) throws -> Store<CampaignState> {
        // A data folder has its `wal/`: a typo that lands on some other existing folder (`--data /tmp`) is no better.
        guard creating || FileManager.default.fileExists(atPath: dataURL.appendingPathComponent("wal").path) else {
            throw CommandFailure("no data folder at \(dataURL.path) (`cleanheat serve` or `cleanheat migrate` creates one)")
        }
        // Its parents only: the store makes the data folder itself and syncs its entry.
        try FileManager.default.createDirectory(at: dataURL.standardizedFileURL.deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        return try Store<CampaignState>.open(folder: dataURL, options: configuration.storage.storeOptions, logger: logger)
    }
}

extension StorageSettings {
    var storeOptions: StoreOptions {
        var options = StoreOptions()
        options.segmentMaxBytes = segmentMaxBytes
        options.checkpointEveryBytes = checkpointEveryBytes
        options.checkpointEveryRecords = checkpointEveryRecords
        options.checkpointWALShareOfSnapshot = checkpointWALShareOfSnapshot
        options.checkpointDeferFactor = checkpointDeferFactor
        options.slowSyncWarning = slowSyncWarningSeconds
        options.idlePublicationDelay = idlePublicationSeconds
        return options
    }
}

/// A command that cannot do what it was asked, for a reason found while running (no data folder, a target in
/// use): printed as `Error: …`, exit status 1. A ValidationError printed the top-level usage line under it.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
