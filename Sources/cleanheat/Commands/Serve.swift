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

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        // A file-size limit must fail the write (EFBIG → read-only mode), not kill the process.
        signal(SIGXFSZ, SIG_IGN)
        let shutdownSignal = ShutdownSignal()
        let logger = Logs.bootstrap()
        defer { Logs.flush() }
        var configuration = try options.loadConfiguration(logger: logger)
        if let host { configuration.http.host = host }
        if let port { configuration.http.port = port }

        let store = try options.openStore(configuration, logger: logger, creating: true)
        let files = try Store<CampaignState>.loadMigrations(from: options.migrationsURL(configuration))
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
        let boundPort = try server.start()
        let scheme = configuration.http.tls == nil ? "http" : "https"
        // Unbuffered: tests and scripts read the port from this line as soon as it is written.
        FileHandle.standardOutput.write(Data("listening on \(scheme)://\(configuration.http.host):\(boundPort)\n".utf8))

        let signalName = await shutdownSignal.wait()
        logger.info("\(signalName): stopping; requests in flight have \(configuration.http.shutdownGrace) s")
        await server.shutdown()
        try store.close()
        logger.info("stopped")
    }
}
