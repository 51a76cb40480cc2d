import Foundation

/// Every file-system call the store makes goes through this seam, so tests can drop unsynced data
/// (power loss) or fail a call (disk full, failed fsync) at any step.
public protocol FileSystem: Sendable {
    func exists(_ path: String) -> Bool
    func list(_ directory: String) throws -> [String]
    func makeDirectory(_ path: String) throws
    func readFile(_ path: String) throws -> Data
    /// `readFile`, but what the device holds rather than pages cached from an earlier read or write: a synced file's
    /// cached pages are dropped first. To check a file that was written long ago against its checksum.
    func readFileFromDevice(_ path: String) throws -> Data
    /// Creates or truncates `path` and writes `data`, without syncing.
    func writeFile(_ path: String, _ data: Data) throws
    func syncFile(_ path: String) throws
    /// Makes renames, creations and removals inside `directory` durable.
    func syncDirectory(_ directory: String) throws
    func rename(_ from: String, to: String) throws
    /// A second name for the file `existing` (a hard link): the same bytes, written and synced once. The new name is
    /// durable once its directory is synced.
    func link(_ existing: String, to new: String) throws
    func remove(_ path: String) throws
    func truncate(_ path: String, to size: Int) throws
    func size(_ path: String) throws -> Int
    /// Opens `path` for appending at its end. `reservingAhead` > 0: the file is kept that many zero bytes longer than
    /// what was appended (in steps of that size), so that most syncs overwrite blocks already in the file and write
    /// no size (an fdatasync that changes the size also writes the inode: about twice the work). Its readers take
    /// zero bytes where a record's length should be, up to the end, for the end (`SegmentScan`).
    func openForAppend(_ path: String, reservingAhead: Int) throws -> any AppendableFile
}

extension FileSystem {
    public func openForAppend(_ path: String) throws -> any AppendableFile { try openForAppend(path, reservingAhead: 0) }
}

/// A log file open for appending.
public protocol AppendableFile: AnyObject {
    /// Writes `bytes` at the end of what was appended (`size`), over the reserved zeros if any, then reserves more
    /// when few are left (a failure to reserve is not one of the append: the file just grows as it is written).
    func append(_ bytes: [UInt8]) throws
    /// fdatasync: the appended bytes survive power loss once this returns.
    func sync() throws
    /// The bytes appended (the reserved zeros after them not counted).
    var size: Int { get }
    func close()
    /// Starts writing what was appended since the last call to disk, after waiting for what that call started. A
    /// large file written this way never has more than two steps of unwritten pages, so neither its own final sync
    /// nor another file's sync meanwhile (the WAL's) waits behind hundreds of megabytes. Not a sync: no device
    /// flush, no metadata.
    func writeBehind() throws
}

/// The zeros an appendable file keeps after what was appended (`openForAppend(_:reservingAhead:)`): when a top-up
/// is due and how many zeros it writes. One policy for the real file and the simulated one.
struct ZeroReserve {
    let ahead: Int
    /// The file's length: what was appended, then the zeros after it.
    private(set) var length: Int

    init(ahead: Int, length: Int) {
        self.ahead = ahead
        self.length = length
    }

    /// After an append that ends at `end`: the zeros to write at `length` when fewer than half a reserve are left.
    mutating func topUp(after end: Int) -> [UInt8]? {
        length = max(length, end)
        guard ahead > 0, length - end < ahead / 2 else { return nil }
        return [UInt8](repeating: 0, count: end + ahead - length)
    }

    /// `count` zeros of a top-up reached the file (a failed or short write is no error: the file just grows).
    mutating func wrote(_ count: Int) { length += max(0, count) }
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
