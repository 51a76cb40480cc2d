import CFileSync
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The real file system, through POSIX calls so that every sync is explicit.
public struct PosixFileSystem: FileSystem {
    public init() {}

    /// The owner writes, its group (the officials who read the files) reads, no one else: the reports hold
    /// reporters' names and telephone numbers. A stricter umask narrows it further.
    static let folderMode: mode_t = 0o750
    static let fileMode: mode_t = 0o640

    public func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public func list(_ directory: String) throws -> [String] {
        do { return try FileManager.default.contentsOfDirectory(atPath: directory).sorted() } catch {
            // Foundation's error has no errno: the cause is asked of the path, so that "no folder", "not a folder"
            // and "not readable" are told apart.
            var info = stat()
            let reason = stat(directory, &info) != 0 ? errno : (info.st_mode & S_IFMT) != S_IFDIR ? ENOTDIR : EACCES
            throw FileSystemError(call: "list", path: directory, errno: reason)
        }
    }

    public func makeDirectory(_ path: String) throws {
        if mkdir(path, Self.folderMode) != 0 && errno != EEXIST { throw FileSystemError(call: "mkdir", path: path, errno: errno) }
    }

    public func readFile(_ path: String) throws -> Data { try read(path, fromDevice: false) }

    public func readFileFromDevice(_ path: String) throws -> Data { try read(path, fromDevice: true) }

    private func read(_ path: String, fromDevice: Bool) throws -> Data {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError(call: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        // Clean pages only (the file is synced): dirty ones stay, so this is a hint that cannot lose data.
        if fromDevice { _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED) }
        var result = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = Glibc.read(descriptor, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(call: "read", path: path, errno: errno)
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    public func writeFile(_ path: String, _ data: Data) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, Self.fileMode)
        guard descriptor >= 0 else { throw FileSystemError(call: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { try Self.writeAll(descriptor, $0, path: path) }
    }

    public func syncFile(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError(call: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileSystemError(call: "fsync", path: path, errno: errno) }
    }

    public func syncDirectory(_ directory: String) throws {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError(call: "open", path: directory, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileSystemError(call: "fsync", path: directory, errno: errno) }
    }

    public func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw FileSystemError(call: "rename", path: "\(from) → \(to)", errno: errno) }
    }

    public func link(_ existing: String, to new: String) throws {
        guard Glibc.link(existing, new) == 0 else { throw FileSystemError(call: "link", path: "\(existing) → \(new)", errno: errno) }
    }

    public func remove(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in try list(path) { try remove(path + "/" + name) }
            guard rmdir(path) == 0 else { throw FileSystemError(call: "rmdir", path: path, errno: errno) }
        } else {
            guard unlink(path) == 0 else { throw FileSystemError(call: "unlink", path: path, errno: errno) }
        }
    }

    public func truncate(_ path: String, to size: Int) throws {
        guard Glibc.truncate(path, off_t(size)) == 0 else { throw FileSystemError(call: "truncate", path: path, errno: errno) }
    }

    public func size(_ path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileSystemError(call: "stat", path: path, errno: errno) }
        return Int(info.st_size)
    }

    public func openForAppend(_ path: String, reservingAhead: Int) throws -> any AppendableFile {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, Self.fileMode)
        guard descriptor >= 0 else { throw FileSystemError(call: "open", path: path, errno: errno) }
        var info = stat()
        fstat(descriptor, &info)
        return PosixAppendableFile(descriptor: descriptor, path: path, size: Int(info.st_size), reservingAhead: reservingAhead)
    }

    /// Writes all of `bytes` at `position` (or at the file's current offset when nil).
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at position: Int? = nil, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let start = bytes.baseAddress.map { $0 + offset }
            let count = if let position { pwrite(descriptor, start, bytes.count - offset, off_t(position + offset)) }
                        else { write(descriptor, start, bytes.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(call: "write", path: path, errno: errno)
            }
            offset += count
        }
    }
}

final class PosixAppendableFile: AppendableFile {
    let descriptor: Int32
    let path: String
    private(set) var size: Int
    private var reserve: ZeroReserve

    init(descriptor: Int32, path: String, size: Int, reservingAhead: Int) {
        self.descriptor = descriptor
        self.path = path
        self.size = size
        self.reserve = ZeroReserve(ahead: reservingAhead, length: size)
    }

    /// A closed file's descriptor number may already belong to another file or a socket: never written through.
    private func checkOpen(_ call: String) throws {
        if closed { throw FileSystemError(call: call, path: path, errno: EBADF) }
    }

    func append(_ bytes: [UInt8]) throws {
        try checkOpen("write")
        try bytes.withUnsafeBytes { try PosixFileSystem.writeAll(descriptor, $0, at: size, path: path) }
        size += bytes.count
        // Zeros written, not fallocate'd: an allocated, unwritten extent is converted at its first write, a metadata
        // change again.
        if let zeros = reserve.topUp(after: size) {
            reserve.wrote(zeros.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(reserve.length)) })
        }
    }

    func sync() throws {
        try checkOpen("fdatasync")
        guard fdatasync(descriptor) == 0 else { throw FileSystemError(call: "fdatasync", path: path, errno: errno) }
    }

    /// Where the last `writeBehind` started writing, and up to where.
    private var behind = (start: 0, end: 0)
    /// Set where the system has no `sync_file_range` for this file (gVisor, WSL1, some mounts): write-behind only
    /// spares the final fsync work, so it is skipped rather than failing every checkpoint.
    private var writeBehindUnsupported = false

    func writeBehind() throws {
        try checkOpen("sync_file_range")
        guard size > behind.end, !writeBehindUnsupported else { return }
        guard cfilesync_write_behind(descriptor, Int64(behind.end), Int64(size - behind.end)) == 0,
              // A length of 0 means "to the end of the file": the first call has nothing earlier to wait for.
              behind.end == behind.start || cfilesync_wait(descriptor, Int64(behind.start), Int64(behind.end - behind.start)) == 0 else {
            if [ENOSYS, EINVAL, ESPIPE].contains(errno) {
                writeBehindUnsupported = true
                return
            }
            throw FileSystemError(call: "sync_file_range", path: path, errno: errno)
        }
        behind = (behind.end, size)
    }

    private var closed = false

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }

    deinit { close() }
}
