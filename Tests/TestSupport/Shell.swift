import Foundation

/// Runs a command line through bash, as a person would type it (curl examples from the README).
public enum Shell {
    public struct Result: Sendable {
        public let status: Int32
        public let output: String
        public let error: String
    }

    @discardableResult
    public static func run(_ command: String, environment: [String: String] = [:], currentDirectory: URL? = nil) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let errorFile = try RepositoryPaths.makeTemporaryFolder("shell").appendingPathComponent("stderr")
        let process = try ChildProcess(executable: "/bin/bash", arguments: ["-c", command], environment: env,
                                       currentDirectory: currentDirectory?.path, output: .pipe, error: .file(errorFile))
        let outData = process.outputHandle?.readDataToEndOfFile() ?? Data()
        process.waitUntilExit()
        let errData = (try? Data(contentsOf: errorFile)) ?? Data()
        return Result(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
                      error: String(decoding: errData, as: UTF8.self))
    }
}
