import CThreadName
import Foundation
import Logging
import Storage

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
        if let backlog = ProcessInfo.processInfo.environment["CLEANHEAT_LOG_BACKLOG_BYTES"] {
            if let bytes = Int(backlog), bytes >= LogOutput.batchBytes {
                LogOutput.standardError.setBacklogLimit(bytes)
            } else {
                logger.warning("CLEANHEAT_LOG_BACKLOG_BYTES=\(backlog) is no byte count of at least \(LogOutput.batchBytes); keeping \(LogOutput.defaultBacklogLimit)")
            }
        }
        return logger
    }
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

/// Standard error, written by a thread of its own. A line is appended to a buffer under a lock and the thread
/// writes the buffer outside it: at once for any line but an access line, when access lines pass 64 KiB, and
/// every 100 ms. One write(2) per request was a tenth of the server's time under load; and when the thread that
/// logged wrote too, a slow log file or pipe held up what it was doing (a loop's requests, a group commit's
/// answers): for ever, on a pipe nobody read. Nothing but `flush` waits for the disk now. A crash can lose the
/// lines of its last moments (access lines: up to 100 ms); an exit writes everything first (`atexit`). Lines
/// beyond the backlog limit's unwritten bytes (standard error stuck) are dropped and counted, and the count is said
/// once writing moves again (the backlog under half the limit) or at exit.
final class LogOutput: @unchecked Sendable {
    static let standardError = LogOutput(descriptor: STDERR_FILENO)
    /// Unwritten bytes past which lines are dropped: some seconds of access lines at full load.
    /// `CLEANHEAT_LOG_BACKLOG_BYTES` sets another (the tests' is small), from the next line on.
    static let defaultBacklogLimit = 8 << 20
    static let batchBytes = 64 << 10

    func setBacklogLimit(_ bytes: Int) { condition.withLock { limit = bytes } }
    private var limit = LogOutput.defaultBacklogLimit

    private let descriptor: Int32
    private let condition = MonotonicCondition()
    private var pending: [UInt8] = []
    /// Bytes appended and written so far: their difference is what waits unwritten, the batch being written included.
    private var appended = 0
    private var written = 0
    /// The writer thread should write now rather than at its next 100 ms.
    private var urgent = false
    private var writerStarted = false
    private var dropped = 0
    private var stampSecond = -1
    private var stamp: [UInt8] = []

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func write(_ text: String, buffered: Bool) {
        condition.lock()
        defer { condition.unlock() }
        if appended - written >= limit {
            dropped += 1
            return
        }
        let before = pending.count
        appendTimestamp()
        pending.append(contentsOf: text.utf8)
        appended += pending.count - before
        if !writerStarted { startWriter() }
        if !urgent && (!buffered || pending.count >= Self.batchBytes) {
            urgent = true
            condition.broadcast()
        }
    }

    /// Returns once everything logged so far is written (or standard error refused it).
    func flush() {
        condition.lock()
        defer { condition.unlock() }
        guard writerStarted else { return }
        noteDropped()
        let target = appended
        urgent = true
        condition.broadcast()
        while written < target { condition.wait() }
    }

    private func startWriter() {
        writerStarted = true
        atexit { LogOutput.standardError.flush() } // a command that ends by exit() still has its last lines out
        let thread = Thread { [self] in
            _ = cthreadname_set("log-writer")
            writeForever()
        }
        thread.start()
    }

    private func writeForever() {
        var taken: [UInt8] = []
        condition.lock()
        while true {
            if !urgent { condition.wait(seconds: 0.1) }
            urgent = false
            if pending.count < limit / 2 { noteDropped() }
            guard !pending.isEmpty else { continue }
            swap(&taken, &pending)
            condition.unlock()
            writeAll(taken)
            condition.lock()
            written += taken.count
            taken.removeAll(keepingCapacity: taken.count <= Self.batchBytes * 4)
            condition.broadcast()
        }
    }

    /// Says how many lines were dropped since it last said so (under the lock).
    private func noteDropped() {
        guard dropped > 0 else { return }
        let before = pending.count
        appendTimestamp()
        pending.append(contentsOf: "warning cleanheat.log : dropped=\(dropped) [cleanheat] standard error fell behind: log lines dropped\n".utf8)
        appended += pending.count - before
        dropped = 0
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

    private func writeAll(_ bytes: [UInt8]) {
        var offset = 0
        bytes.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let count = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count < 0 && errno == EINTR { continue }
                if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    // A standard error inherited non-blocking: wait until it takes more, as a blocking one would.
                    var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, -1)
                    continue
                }
                if count <= 0 { break } // standard error gone: nothing better to do with a log line
                offset += count
            }
        }
    }
}
