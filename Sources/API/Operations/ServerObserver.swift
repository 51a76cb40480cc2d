import HTTPCore
import Logging

/// The server's observer: metrics plus one access-log line per request (never a header value, so never a token).
public struct ServerObserver: HTTPServerObserver {
    let metrics: APIMetrics
    let logger: Logger

    public init(metrics: APIMetrics, logger: Logger) {
        self.metrics = metrics
        self.logger = logger
    }

    public func connectionOpened() { metrics.connectionOpened() }
    public func connectionClosed() { metrics.connectionClosed() }

    public func requestCompleted(_ record: AccessRecord) {
        // Tenths of a millisecond by integer arithmetic: String(format:) cost more than the rest of the line.
        let tenths = Int((record.duration * 10_000).rounded())
        logger.info("\(record.method) \(record.path) \(record.status) \(record.bytes)B \(tenths / 10).\(tenths % 10)ms",
                    metadata: ["client": "\(record.remoteAddress)"])
    }
}
