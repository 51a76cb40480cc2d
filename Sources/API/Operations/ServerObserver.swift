import Domain
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
    public func connectionRefused() { metrics.connectionRefused() }

    public func requestCompleted(_ record: AccessRecord) {
        // Malformed, over a limit or too slow: never reached the API, which counts everything else. Scans and
        // broken clients show in the metrics too.
        if record.answeredByServer { metrics.record(route: "unreadable", method: record.method, status: record.status, seconds: 0) }
        // Tenths of a millisecond by integer arithmetic: String(format:) cost more than the rest of the line.
        let tenths = Int((record.duration * 10_000).rounded())
        logger.info("\(record.method) \(Self.loggable(record.target)) \(record.status) \(record.bytes)B \(tenths / 10).\(tenths % 10)ms",
                    metadata: ["client": "\(record.remoteAddress)"])
    }

    /// The target as one line of text: sent raw, it holds no control character, but UTF-8 may carry a Unicode line
    /// break (U+2028, U+0085), with which a client could write a line of its own into the log. Those go to `%XX`.
    static func loggable(_ target: String) -> String {
        guard target.unicodeScalars.contains(where: \.breaksLines) else { return target }
        var text = ""
        for scalar in target.unicodeScalars {
            if scalar.breaksLines {
                for byte in String(scalar).utf8 { text += (byte < 0x10 ? "%0" : "%") + String(byte, radix: 16, uppercase: true) }
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}
