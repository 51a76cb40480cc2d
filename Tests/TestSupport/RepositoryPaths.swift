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

    /// A fresh empty folder in this test process's own folder of the system's temporary directory, which goes when
    /// the process exits. (Left behind, a day of runs left 20,000 folders and gigabytes there.)
    public static func makeTemporaryFolder(_ prefix: String = "cleanheat") throws -> URL {
        let url = processFolder.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let processFolderPrefix = "cleanheat-tests-"

    /// `cleanheat-tests-PID`, removed at exit. The folders of test processes that are no longer running (killed by a
    /// timeout, say) are removed when the first folder is made.
    static let processFolder: URL = {
        let temporary = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        where name.hasPrefix(processFolderPrefix) {
            guard let pid = Int32(name.dropFirst(processFolderPrefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name)) }
        }
        let folder = temporary.appendingPathComponent("\(processFolderPrefix)\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: folder) // a number reused from a process that did not exit normally
        atexit { try? FileManager.default.removeItem(at: RepositoryPaths.processFolder) }
        return folder
    }()
}
