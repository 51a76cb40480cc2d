import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One process per data folder: an exclusive `flock` on `<data>/LOCK`, which holds the owner's pid.
final class DataFolderLock {
    private let descriptor: Int32

    init(folder: String) throws {
        let path = folder + "/LOCK"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, PosixFileSystem.fileMode)
        guard descriptor >= 0 else { throw FileSystemError(call: "open", path: path, errno: errno) }
        var attempts = 0
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            var holder = Self.pid(in: descriptor)
            // Locked a moment ago, its pid not yet written (two starts at once): wait for the name, briefly.
            for _ in 0..<50 where holder == "?" {
                usleep(2_000)
                holder = Self.pid(in: descriptor)
            }
            // Our own process "holding" a lock it has released: a child being spawned at that instant still has
            // a copy of the old descriptor until it execs (O_CLOEXEC closes it then). Wait that out, up to a second
            // (a loaded machine's spawn can take that long).
            if holder == "\(getpid())" && attempts < 500 {
                attempts += 1
                usleep(2_000)
                continue
            }
            Glibc.close(descriptor)
            throw StoreError.folderLocked(folder: folder, pid: holder)
        }
        ftruncate(descriptor, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pwrite(descriptor, pid, pid.count, 0)
        self.descriptor = descriptor
    }

    func release() { Glibc.close(descriptor) }

    /// A shared hold on `folder`'s lock, for a reader that needs the folder to stay still (`verify`): a server or
    /// command starting meanwhile is refused, as it would be by another server. Throws `folderLocked` when a
    /// process holds the folder. Creates nothing: `verify` reads backups too, and a folder without a `LOCK` was
    /// never served. The hold's pid is written into `LOCK` where it is a writable regular file (never through a
    /// symbolic link: a copied folder's `LOCK` could point anywhere, and verify runs as root), so that a refused
    /// start names this process rather than the last server.
    static func holdShared(_ folder: String) throws -> SharedHold {
        let path = folder + "/LOCK"
        var writable = true
        var descriptor = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        if descriptor < 0 && errno != ELOOP {
            writable = false
            descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        }
        guard descriptor >= 0 else { return SharedHold(descriptor: nil) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(descriptor)
            return SharedHold(descriptor: nil)
        }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else {
            let holder = pid(in: descriptor)
            Glibc.close(descriptor)
            throw StoreError.folderLocked(folder: folder, pid: holder)
        }
        let pid = Array("\(getpid())\n".utf8)
        if writable, ftruncate(descriptor, 0) == 0 { _ = pwrite(descriptor, pid, pid.count, 0) }
        return SharedHold(descriptor: descriptor)
    }

    /// Released when dropped.
    final class SharedHold {
        private let descriptor: Int32?
        fileprivate init(descriptor: Int32?) { self.descriptor = descriptor }
        deinit { if let descriptor { Glibc.close(descriptor) } }
    }

    /// The pid the lock's holder wrote into the file ("?" when it has not yet).
    private static func pid(in descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
    }
}

public enum StoreError: Error, CustomStringConvertible, Equatable {
    case folderLocked(folder: String, pid: String)
    /// `offset`: where in a WAL segment the damage begins (what the repair path truncates at); nil for a snapshot
    /// file, which is checked whole, and for records missing before a segment (nothing to truncate).
    case corruption(file: String, offset: Int?, reason: String)
    /// An online backup aimed into the data folder itself: the next start would take it for a stray temporary or
    /// a snapshot of its own.
    case backupInsideDataFolder(target: String, folder: String)
    case migrationChanged(id: String)
    case migrationMissing(id: String)
    case migrationMisnamed(file: String)
    case closed

    public var description: String {
        switch self {
        case let .folderLocked(folder, pid):
            "data folder \(folder) is in use by process \(pid) (another cleanheat server or command); stop it first"
        case let .corruption(file, offset, reason):
            "corruption in \(file)\(offset.map { " at offset \($0)" } ?? ""): \(reason). Nothing was changed. Run `cleanheat verify` and see docs/storage.md (repair)"
        case let .backupInsideDataFolder(target, folder):
            "backup target \(target) lies inside the data folder \(folder); choose a folder outside it"
        case let .migrationChanged(id):
            "migration \(id) was changed after it was applied; restore the file as applied and add a new migration instead"
        case let .migrationMisnamed(file):
            "\(file) is in the migrations folder but not named NNNN_name.json; rename it (a migration) or move it out"
        case let .migrationMissing(id):
            "migration \(id) was applied but its file is missing from the migrations folder"
        case .closed:
            "the store is closed"
        }
    }
}
