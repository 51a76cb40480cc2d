import Foundation

/// Every file-system call the store makes goes through this seam, so tests can drop unsynced data
/// (power loss) or fail a call (disk full, failed fsync) at any step.
public protocol FileSystem: Sendable {
    func exists(_ path: String) -> Bool
    func list(_ directory: String) throws -> [String]
    func makeDirectory(_ path: String) throws
    func readFile(_ path: String) throws -> Data
    /// Creates or truncates `path` and writes `data`, without syncing.
    func writeFile(_ path: String, _ data: Data) throws
    func syncFile(_ path: String) throws
    /// Makes renames, creations and removals inside `directory` durable.
    func syncDirectory(_ directory: String) throws
    func rename(_ from: String, to: String) throws
    func remove(_ path: String) throws
    func truncate(_ path: String, to size: Int) throws
    func size(_ path: String) throws -> Int
    func openForAppend(_ path: String) throws -> any AppendableFile
}

/// A log file open for appending.
public protocol AppendableFile: AnyObject {
    func append(_ bytes: [UInt8]) throws
    /// fdatasync: the appended bytes survive power loss once this returns.
    func sync() throws
    var size: Int { get }
    func close()
    /// Starts writing what was appended since the last call to disk, after waiting for what that call started. A
    /// large file written this way never has more than two steps of unwritten pages, so neither its own final sync
    /// nor another file's sync meanwhile (the WAL's) waits behind hundreds of megabytes. Not a sync: no device
    /// flush, no metadata.
    func writeBehind() throws
}

extension AppendableFile {
    public func writeBehind() throws {}
}

/// A failed file-system call: the call, the path and errno.
public struct FileSystemError: Error, CustomStringConvertible, Sendable {
    public let call: String
    public let path: String
    public let errno: Int32
    public init(call: String, path: String, errno: Int32) {
        self.call = call
        self.path = path
        self.errno = errno
    }
    public var description: String { "\(call) \(path): \(String(cString: strerror(errno))) (errno \(errno))" }
}
