import Foundation

/// Where the repository's files and the built binary are, wherever the tests run from.
public enum RepositoryPaths {
    /// The package root (this file is Tests/TestSupport/RepositoryPaths.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let migrations = root.appendingPathComponent("migrations", isDirectory: true)
    public static let defaultConfig = root.appendingPathComponent("config/default.json")

    /// The `cleanheat` binary built beside the test bundle.
    public static var binary: URL {
        let testBundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBundle.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("cleanheat")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/cleanheat")
    }

    /// A fresh empty folder under the system's temporary directory.
    public static func makeTemporaryFolder(_ prefix: String = "cleanheat") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
