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
        logger.info("\(record.method) \(record.path) \(record.status) \(record.bytes)B \(String(format: "%.1f", record.duration * 1000))ms",
                    metadata: ["client": "\(record.remoteAddress)"])
    }
}
