import Foundation
import Logging

/// Logs go to standard error; standard output carries only what scripts read (the listening line).
enum Logs {
    /// The access log's label: its lines are buffered (see `LogOutput`), every other line is written at once.
    static let accessLabel = "cleanheat.access"

    static func bootstrap() -> Logger {
        let asked = ProcessInfo.processInfo.environment["CLEANHEAT_LOG_LEVEL"]
        let level = asked.flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, logLevel: level, output: .standardError) }
        let logger = Logger(label: "cleanheat")
        if let asked, Logger.Level(rawValue: asked.lowercased()) == nil {
            // A misspelt level is said, not silently taken as info (the project refuses typos elsewhere too).
            let known = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            logger.warning("CLEANHEAT_LOG_LEVEL=\(asked) is no log level (\(known)); logging at info")
        }
        return logger
    }

    /// Writes out buffered access-log lines; called before the process exits.
    static func flush() { LogOutput.standardError.flush() }
}

/// Formats a line as swift-log's StreamLogHandler does: `time level label : metadata [source] message`.
struct LineLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let output: LogOutput

    init(label: String, logLevel: Logger.Level, output: LogOutput) {
        self.label = label
        self.logLevel = logLevel
        self.output = output
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        // Built by appending: this runs once per request for the access log.
        let explicit = event.metadata
        var text = event.level.rawValue
        text.reserveCapacity(160)
        text += " "
        text += label
        text += " :"
        // The access log's one field comes alone: no merged and sorted copy for it.
        let fields = self.metadata.isEmpty ? explicit ?? [:] : self.metadata.merging(explicit ?? [:]) { _, new in new }
        func append(_ key: String, _ value: Logger.MetadataValue) {
            text += " "
            text += key
            text += "="
            text += value.description
        }
        if fields.count == 1, let only = fields.first {
            append(only.key, only.value)
        } else {
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) { append(key, value) }
        }
        text += " ["
        text += event.source
        text += "] "
        text += event.message.description
        text += "\n"
        output.write(text, buffered: label == Logs.accessLabel && event.level < .warning)
    }
}

/// Standard error behind a lock. Access-log lines wait in a buffer that is written when it passes 64 KiB, every
/// 100 ms, before any other line and at exit: one write(2) per request was a tenth of the server's time under
/// load. A crash can lose the last 100 ms of access lines, never another log line.
final class LogOutput: @unchecked Sendable {
    static let standardError = LogOutput(descriptor: STDERR_FILENO)

    private let descriptor: Int32
    private let lock = NSLock()
    private var pending: [UInt8] = []
    private var stampSecond = -1
    private var stamp: [UInt8] = []
    private var timer: (any DispatchSourceTimer)?

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func write(_ text: String, buffered: Bool) {
        lock.lock()
        defer { lock.unlock() }
        appendTimestamp()
        pending.append(contentsOf: text.utf8)
        if !buffered || pending.count >= 64 << 10 {
            writePending()
        } else if timer == nil {
            startTimer()
        }
    }

    func flush() {
        lock.lock()
        writePending()
        lock.unlock()
    }

    private func startTimer() {
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.flush() }
        timer.resume()
        self.timer = timer
    }

    /// Local time to the second, formatted once per second (strftime per line cost more than the rest of it).
    private func appendTimestamp() {
        var now = time(nil)
        if now != stampSecond {
            var parts = tm()
            localtime_r(&now, &parts)
            var buffer = [Int8](repeating: 0, count: 64)
            let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
            stamp = buffer.prefix(count).map { UInt8(bitPattern: $0) } + [0x20]
            stampSecond = now
        }
        pending.append(contentsOf: stamp)
    }

    private func writePending() {
        var offset = 0
        pending.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { break } // standard error gone: nothing better to do with a log line
                offset += written
            }
        }
        pending.removeAll(keepingCapacity: true)
    }
}
