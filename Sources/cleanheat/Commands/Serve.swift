import API
import ArgumentParser
import Domain
import Foundation
import HTTPCore
import Logging
import Storage

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server.")

    @Option(help: "Address to listen on (default: the config's, 127.0.0.1).")
    var host: String?

    @Option(help: "Port; 0 picks a free one (default: the config's, 8080).")
    var port: Int?

    @OptionGroup var options: DataOptions

    @Flag(help: "Enable POST /api/v1/_test/clock to set the server's clock (tests only).")
    var testClock = false

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535 (0 picks a free one), got \(port)") }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        // A file-size limit must fail the write (EFBIG → read-only mode), not kill the process.
        signal(SIGXFSZ, SIG_IGN)
        let shutdownSignal = ShutdownSignal()
        let logger = Logs.bootstrap()
        var configuration = try options.loadConfiguration(logger: logger)
        if let host { configuration.http.host = host }
        if let port { configuration.http.port = port }

        // Everything that can be checked without the data folder is, before one is made: a typo must not leave a
        // new folder (migrated, with a bootstrap token) behind.
        try Self.checkHost(configuration.http.host, flag: host != nil, file: options.config)
        if let tls = configuration.http.tls {
            do { _ = try TLSContext(configuration: tls) } catch {
                throw ConfigError(file: options.config, key: "server.tls", problem: "\(error)")
            }
        }
        let files = try options.loadMigrations(configuration)
        do {
            try HTTPServer.checkCanListen(host: configuration.http.host, port: configuration.http.port)
        } catch {
            throw CommandFailure("cannot listen on \(configuration.http.host):\(configuration.http.port): \(error)")
        }
        let folderIsNew = !FileManager.default.fileExists(atPath: options.dataURL.path)
        let store = try options.openStore(configuration, logger: logger, creating: true)
        let server: HTTPServer, boundPort: Int
        do {
            (server, boundPort) = try await start(on: store, migrations: files, configuration, logger: logger)
        } catch {
            // What this start made (migrations, a bootstrap token) goes with it: a start that fails after the checks
            // above (a name in the config the migrations do not know, the port taken meanwhile) leaves no folder.
            if folderIsNew {
                // Moved aside while the lock is still held, then removed: removed in place after the lock was let go,
                // a second start that took the folder meanwhile would have had it deleted under it.
                let aside = options.dataURL.path + ".failed-start-\(getpid())"
                let moved = rename(options.dataURL.path, aside) == 0
                try? store.close(checkpointing: false)
                if moved, (try? FileManager.default.removeItem(atPath: aside)) != nil {
                    logger.notice("removed the data folder this start had made: \(options.dataURL.path)")
                }
            }
            throw error
        }
        let scheme = configuration.http.tls == nil ? "http" : "https"
        // Unbuffered: tests and scripts read the port from this line as soon as it is written.
        let host = configuration.http.host.contains(":") ? "[\(configuration.http.host)]" : configuration.http.host // IPv6 in a URL
        FileHandle.standardOutput.write(Data("listening on \(scheme)://\(host):\(boundPort)\n".utf8))

        let signalName = await shutdownSignal.wait()
        logger.info("\(signalName): stopping; requests in flight have \(configuration.http.shutdownGrace) s (a second signal stops at once)")
        shutdownSignal.onRepeat { name in
            logger.warning("\(name) again: closing the connections still busy now")
            server.endGrace()
        }
        await server.shutdown()
        try store.close()
        logger.info("stopped")
    }

    /// Migrations, the names the config gives checked against them, the bootstrap token, then the listener.
    private func start(on store: Store<CampaignState>, migrations files: [MigrationFile], _ configuration: AppConfiguration,
                       logger: Logger) async throws -> (HTTPServer, Int) {
        let applied = try await store.applyMigrations(files)
        if !applied.isEmpty { logger.info("applied migrations: \(applied.joined(separator: ", "))") }
        try options.checkNames(in: configuration, against: store)

        let clock: SettableClock? = testClock ? SettableClock() : nil
        let campaign = Campaign(store: store, rules: configuration.campaign, clock: clock.map { $0 as any CampaignClock } ?? SystemClock())
        try await BootstrapToken.ensure(campaign: campaign, dataFolder: options.dataURL, logger: logger)

        let metrics = APIMetrics()
        let api = CleanheatAPI(campaign: campaign, settings: configuration.api, testClock: clock, metrics: metrics, logger: logger)
        let server = HTTPServer(configuration: configuration.http, responder: api,
                                observer: ServerObserver(metrics: metrics, logger: Logger(label: Logs.accessLabel)), logger: logger)
        return (server, try server.start())
    }

    /// The address resolves, or start-up stops naming where it came from.
    private static func checkHost(_ host: String, flag: Bool, file: String) throws {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        if let result { freeaddrinfo(result) }
        guard status == 0 else {
            let reason = String(cString: gai_strerror(status))
            if flag { throw CommandFailure("--host \(host) is no address to listen on (\(reason))") }
            throw ConfigError(file: file, key: "server.host", problem: "\(host) is no address to listen on (\(reason))")
        }
    }
}
