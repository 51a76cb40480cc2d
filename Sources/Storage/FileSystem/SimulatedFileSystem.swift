import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An in-memory file system that knows what a power cut would keep: file contents as of their last sync,
/// and directory entries (creations, renames, removals) as of their directory's last sync. Failures can be
/// injected: a failing sync, or a disk that fills after so many bytes. For tests of the storage engine.
public final class SimulatedFileSystem: FileSystem, @unchecked Sendable {
    private struct Node {
        var current: [UInt8]
        var durable: [UInt8]?
    }

    private let lock = NSLock()
    /// Files by inode; paths map to inodes, now and as of the last directory syncs.
    private var nodes: [Int: Node] = [:]
    private var currentNames: [String: Int] = [:]
    private var durableNames: [String: Int] = [:]
    private var directories: Set<String> = ["/"]
    private var durableDirectories: Set<String> = ["/"]
    private var nextInode = 1

    /// Syncs (file or log) performed so far.
    public private(set) var syncCount = 0
    /// The next sync that fails with EIO is the `failSyncAfter`-th from now (nil: none); with `failingSyncs` in a
    /// row (nil: every one from then on).
    public var failSyncAfter: Int? {
        get { locked { failSyncAfterValue } }
        set { locked { failSyncAfterValue = newValue } }
    }
    public var failingSyncs: Int? {
        get { locked { failingSyncsValue } }
        set { locked { failingSyncsValue = newValue } }
    }
    private var failSyncAfterValue: Int?
    private var failingSyncsValue: Int?
    /// Bytes that may still be written before writes fail with ENOSPC (nil: unlimited).
    public var spaceLeft: Int?
    /// Called at the start of every sync of a file open for appending (a WAL segment), before it takes effect:
    /// a test holds a sync there to see what happens while one is on its way.
    public var beforeLogSync: (@Sendable () -> Void)? {
        get { locked { beforeLogSyncValue } }
        set { locked { beforeLogSyncValue = newValue } }
    }
    private var beforeLogSyncValue: (@Sendable () -> Void)?
    /// Each `writeBehind` asked of a file: its path and its size then. (It changes nothing simulated: no page cache.)
    public private(set) var writeBehinds: [(path: String, size: Int)] = []

    /// The bytes of each append to a file open for appending (a WAL segment), in order: one per batch written.
    public var logAppends: [(path: String, bytes: [UInt8])] { locked { logAppendsValue } }
    private var logAppendsValue: [(path: String, bytes: [UInt8])] = []

    fileprivate func recordWriteBehind(path: String, size: Int) {
        locked { writeBehinds.append((path, size)) }
    }

    fileprivate func recordLogAppend(path: String, bytes: [UInt8]) {
        locked { logAppendsValue.append((path, bytes)) }
    }

    public init() {}

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private static func parent(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path
    }

    /// Forgets everything not made durable, as a power cut would.
    public func losePower() {
        locked {
            currentNames = durableNames
            // A folder survives only if every folder above it does: losing an entry loses all below it.
            let durable = durableDirectories
            directories = durable.filter { directory in
                var above = Self.parent(directory)
                while above != "/" && !above.isEmpty {
                    if !durable.contains(above) { return false }
                    above = Self.parent(above)
                }
                return true
            }
            for (inode, node) in nodes {
                if let durable = node.durable { nodes[inode]?.current = durable } else { nodes[inode] = nil }
            }
            // A file whose folder's own entry was never made durable is lost with the folder.
            currentNames = currentNames.filter { nodes[$0.value] != nil && directories.contains(Self.parent($0.key)) }
        }
    }

    public func exists(_ path: String) -> Bool { locked { currentNames[path] != nil || directories.contains(path) } }

    public func list(_ directory: String) throws -> [String] {
        locked {
            let prefix = directory.hasSuffix("/") ? directory : directory + "/"
            let files = currentNames.keys.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
            let folders = directories.filter { $0.hasPrefix(prefix) && $0 != directory && !$0.dropFirst(prefix.count).contains("/") }
            return (files + folders).map { String($0.dropFirst(prefix.count)) }.sorted()
        }
    }

    public func makeDirectory(_ path: String) throws {
        locked {
            var parts: [String] = []
            var current = path
            while current != "/" && !current.isEmpty {
                parts.append(current)
                current = Self.parent(current)
            }
            for part in parts.reversed() where !directories.contains(part) {
                directories.insert(part)
                // Creating the folder's missing ancestors (a test's own temporary folders) is not what the tests
                // examine: they are durable. The folder asked for is not until its parent is synced.
                if part != path { durableDirectories.insert(part) }
            }
        }
    }

    public func readFile(_ path: String) throws -> Data {
        try locked {
            guard let inode = currentNames[path], let node = nodes[inode] else { throw FileSystemError(call: "open", path: path, errno: ENOENT) }
            return Data(node.current)
        }
    }

    /// No page cache here: what `readFile` gives.
    public func readFileFromDevice(_ path: String) throws -> Data { try readFile(path) }

    public func writeFile(_ path: String, _ data: Data) throws {
        try locked {
            try spend(data.count, path: path)
            if let inode = currentNames[path] {
                nodes[inode]?.current = [UInt8](data)
            } else {
                nodes[nextInode] = Node(current: [UInt8](data), durable: nil)
                currentNames[path] = nextInode
                nextInode += 1
            }
        }
    }

    private func spend(_ bytes: Int, path: String) throws {
        if let left = spaceLeft {
            guard left >= bytes else { throw FileSystemError(call: "write", path: path, errno: ENOSPC) }
            spaceLeft = left - bytes
        }
    }

    private func countSync(_ path: String) throws {
        syncCount += 1
        if let after = failSyncAfterValue {
            if after <= 0 {
                if let failing = failingSyncsValue {
                    failingSyncsValue = failing - 1
                    if failing <= 1 { failSyncAfterValue = nil; failingSyncsValue = nil }
                }
                throw FileSystemError(call: "fsync", path: path, errno: EIO)
            }
            failSyncAfterValue = after - 1
        }
    }

    public func syncFile(_ path: String) throws {
        try locked {
            try countSync(path)
            guard let inode = currentNames[path] else { throw FileSystemError(call: "open", path: path, errno: ENOENT) }
            let current = nodes[inode]?.current
            nodes[inode]?.durable = current
        }
    }

    public func syncDirectory(_ directory: String) throws {
        try locked {
            try countSync(directory)
            let prefix = directory.hasSuffix("/") ? directory : directory + "/"
            func inside(_ path: String) -> Bool { path.hasPrefix(prefix) && !path.dropFirst(prefix.count).contains("/") }
            durableNames = durableNames.filter { !inside($0.key) }
            for (path, inode) in currentNames where inside(path) { durableNames[path] = inode }
            durableDirectories = durableDirectories.filter { !inside($0) }.union(directories.filter(inside))
        }
    }

    public func rename(_ from: String, to: String) throws {
        try locked {
            if directories.contains(from) {
                let moved = directories.filter { $0 == from || $0.hasPrefix(from + "/") }
                directories.subtract(moved)
                directories.formUnion(moved.map { to + $0.dropFirst(from.count) })
                for (path, inode) in currentNames where path.hasPrefix(from + "/") {
                    currentNames[path] = nil
                    currentNames[to + path.dropFirst(from.count)] = inode
                }
                // Entries inside a renamed folder keep the durability they had, under the new name.
                for (path, inode) in durableNames where path.hasPrefix(from + "/") {
                    durableNames[to + path.dropFirst(from.count)] = inode
                }
                for folder in durableDirectories where folder.hasPrefix(from + "/") {
                    durableDirectories.insert(to + folder.dropFirst(from.count))
                }
                return
            }
            guard let inode = currentNames[from] else { throw FileSystemError(call: "rename", path: from, errno: ENOENT) }
            currentNames[from] = nil
            currentNames[to] = inode
        }
    }

    /// Every `link` fails with EPERM, as on a file system without hard links.
    public var linksFail: Bool {
        get { locked { linksFailValue } }
        set { locked { linksFailValue = newValue } }
    }
    private var linksFailValue = false

    public func link(_ existing: String, to new: String) throws {
        try locked {
            guard !linksFailValue else { throw FileSystemError(call: "link", path: existing, errno: EPERM) }
            guard let inode = currentNames[existing] else { throw FileSystemError(call: "link", path: existing, errno: ENOENT) }
            guard currentNames[new] == nil else { throw FileSystemError(call: "link", path: new, errno: EEXIST) }
            currentNames[new] = inode
        }
    }

    public func remove(_ path: String) throws {
        locked {
            currentNames = currentNames.filter { $0.key != path && !$0.key.hasPrefix(path + "/") }
            directories = directories.filter { $0 != path && !$0.hasPrefix(path + "/") }
        }
    }

    public func truncate(_ path: String, to size: Int) throws {
        try locked {
            guard let inode = currentNames[path] else { throw FileSystemError(call: "truncate", path: path, errno: ENOENT) }
            let kept = Array((nodes[inode]?.current ?? []).prefix(size))
            nodes[inode]?.current = kept
        }
    }

    public func size(_ path: String) throws -> Int {
        try locked {
            guard let inode = currentNames[path], let node = nodes[inode] else { throw FileSystemError(call: "stat", path: path, errno: ENOENT) }
            return node.current.count
        }
    }

    public func openForAppend(_ path: String, reservingAhead: Int) throws -> any AppendableFile {
        let inode: Int = locked {
            if let inode = currentNames[path] { return inode }
            nodes[nextInode] = Node(current: [], durable: nil)
            currentNames[path] = nextInode
            nextInode += 1
            return nextInode - 1
        }
        return SimulatedAppendableFile(fileSystem: self, inode: inode, path: path, size: size(inode: inode),
                                       reservingAhead: reservingAhead)
    }

    /// Writes `bytes` at `offset`, over what is there and past it: only bytes past the end take room.
    fileprivate func write(_ bytes: [UInt8], at offset: Int, inode: Int, path: String) throws {
        try locked {
            guard let count = nodes[inode]?.current.count else { return }
            let growth = max(0, offset + bytes.count - count)
            // A full disk takes what fits, then fails: a torn record, as a real one would leave.
            let full = spaceLeft.map { $0 < growth } ?? false
            let kept = full ? bytes.count - growth + spaceLeft! : bytes.count
            // In place (the dictionary's value is not copied out): a WAL segment here is a megabyte of reserved zeros.
            if offset + kept > count { nodes[inode]!.current.append(contentsOf: repeatElement(0, count: offset + kept - count)) }
            nodes[inode]!.current.replaceSubrange(offset..<(offset + kept), with: bytes.prefix(kept))
            if full {
                spaceLeft = 0
                throw FileSystemError(call: "write", path: path, errno: ENOSPC)
            }
            try spend(growth, path: path)
        }
    }

    fileprivate func sync(inode: Int, path: String) throws {
        // Outside the lock: a held sync must not stop writes to the file meanwhile, as a real one does not.
        beforeLogSync?()
        try locked {
            try countSync(path)
            let current = nodes[inode]?.current
            nodes[inode]?.durable = current
        }
    }

    fileprivate func size(inode: Int) -> Int { locked { nodes[inode]?.current.count ?? 0 } }
}

private final class SimulatedAppendableFile: AppendableFile {
    let fileSystem: SimulatedFileSystem
    let inode: Int
    let path: String
    private(set) var size: Int
    private var reserve: ZeroReserve

    init(fileSystem: SimulatedFileSystem, inode: Int, path: String, size: Int, reservingAhead: Int) {
        self.fileSystem = fileSystem
        self.inode = inode
        self.path = path
        self.size = size
        self.reserve = ZeroReserve(ahead: reservingAhead, length: size)
    }

    /// As the real one: written at the end of what was appended, with zeros reserved after it.
    func append(_ bytes: [UInt8]) throws {
        try fileSystem.write(bytes, at: size, inode: inode, path: path)
        fileSystem.recordLogAppend(path: path, bytes: bytes)
        size += bytes.count
        if let zeros = reserve.topUp(after: size),
           (try? fileSystem.write(zeros, at: reserve.length, inode: inode, path: path)) != nil {
            reserve.wrote(zeros.count)
        }
    }

    func sync() throws { try fileSystem.sync(inode: inode, path: path) }
    func close() {}
    func writeBehind() throws { fileSystem.recordWriteBehind(path: path, size: size) }
}
