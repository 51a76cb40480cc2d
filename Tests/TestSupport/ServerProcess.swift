import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `cleanheat serve --port 0` child process: started, its port read from the listening line, stopped.
public final class ServerProcess: @unchecked Sendable {
    public let process: ChildProcess
    public let port: Int
    public let dataFolder: URL
    public let host: String
    /// What the server printed once it accepted connections, e.g. `listening on http://127.0.0.1:40123`.
    public let listeningLine: String
    private let errorLog: URL

    public var baseURL: String { "http://\(host):\(port)" }

    /// The admin token the server wrote on first start.
    public var adminToken: String {
        get throws {
            try String(contentsOf: dataFolder.appendingPathComponent("bootstrap-token"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Starts the server; `testClock` adds `--test-clock`. Reuses `dataFolder` when given (restarts).
    /// `wrapper` runs the server through a shell prefix, e.g. `ulimit -f 64; exec` or `exec strace … --`.
    public static func start(dataFolder: URL? = nil, testClock: Bool = true, config: URL? = nil,
                             extraArguments: [String] = [], environment: [String: String] = [:],
                             wrapper: String? = nil) throws -> ServerProcess {
        let folder = try dataFolder ?? RepositoryPaths.makeTemporaryFolder("cleanheat-data")
        let errorLog = folder.deletingLastPathComponent().appendingPathComponent("\(folder.lastPathComponent).stderr.log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        var arguments = ["serve", "--port", "0", "--data", folder.path,
                         "--config", (config ?? RepositoryPaths.defaultConfig).path,
                         "--migrations", RepositoryPaths.migrations.path]
        if testClock { arguments.append("--test-clock") }
        arguments += extraArguments
        var executable = RepositoryPaths.binary.path
        if let wrapper {
            let quoted = ([executable] + arguments).map { "'\($0)'" }.joined(separator: " ")
            executable = "/bin/bash"
            arguments = ["-c", "\(wrapper) \(quoted)"]
        }
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "America/New_York" // the district's zone must come from config, never from the machine
        for (key, value) in environment { env[key] = value }
        let process = try ChildProcess(executable: executable, arguments: arguments, environment: env,
                                       output: .pipe, error: .file(errorLog))
        guard let output = process.outputHandle else { throw ServerProcessError.didNotStart(log: "no output pipe") }
        guard let line = readLine(from: output, timeout: 30),
              let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
            process.terminate()
            let log = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
            throw ServerProcessError.didNotStart(log: log)
        }
        // Between `//` and the port's colon: `127.0.0.1`, or `[::1]` bracketed as a URL has it.
        let authority = line.split(separator: "/").last.map(String.init) ?? ""
        let host = authority.lastIndex(of: ":").map { String(authority[..<$0]) } ?? "127.0.0.1"
        return ServerProcess(process: process, port: port, dataFolder: folder, host: host, listeningLine: line, errorLog: errorLog)
    }

    private init(process: ChildProcess, port: Int, dataFolder: URL, host: String, listeningLine: String, errorLog: URL) {
        self.process = process
        self.port = port
        self.dataFolder = dataFolder
        self.host = host
        self.listeningLine = listeningLine
        self.errorLog = errorLog
    }

    /// What the server wrote to standard error (its log).
    public var log: String { (try? String(contentsOf: errorLog, encoding: .utf8)) ?? "" }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    public func stop(timeout: TimeInterval = 60) -> Int32 { // returns at exit; long for a loaded CI machine
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        return waitForExit(timeout: timeout)
    }

    /// SIGKILL: no chance to flush anything.
    public func kill9() {
        // Through a wrapper (strace) the server is a child: kill the process that holds the folder lock first.
        if let holder = try? String(contentsOf: dataFolder.appendingPathComponent("LOCK"), encoding: .utf8),
           let pid = Int32(holder.trimmingCharacters(in: .whitespacesAndNewlines)), pid != process.processIdentifier {
            kill(pid, SIGKILL)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        _ = waitForExit(timeout: 10)
    }

    @discardableResult
    public func waitForExit(timeout: TimeInterval) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit() // reaped, not left a zombie for the rest of the run
        }
    }

    private static func readLine(from handle: FileHandle, timeout: TimeInterval) -> String? {
        let descriptor = handle.fileDescriptor
        var buffer: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) >= 0 else { return nil }
            guard poller.revents != 0 else { continue }
            var byte: UInt8 = 0
            guard read(descriptor, &byte, 1) == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: buffer, as: UTF8.self) }
            buffer.append(byte)
        }
        return nil
    }
}

public enum ServerProcessError: Error, CustomStringConvertible {
    case didNotStart(log: String)
    public var description: String {
        switch self { case .didNotStart(let log): "server did not print its listening line; log:\n\(log)" }
    }
}
