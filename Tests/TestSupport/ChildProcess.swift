import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, for the tests. Not Foundation's `Process`: its `run()` on
/// Swift 6.3.1 over-reads a `dirent` while scanning /proc/self/fd and crashed the test process now and then
/// once many sockets were open (swift-corelibs-foundation PR #5472).
public final class ChildProcess: @unchecked Sendable {
    public enum Output {
        case discard
        case file(URL)
        /// A pipe the parent reads through `outputHandle`.
        case pipe
    }

    public let processIdentifier: pid_t
    /// The read end of the standard-output pipe, with `.pipe`.
    public let outputHandle: FileHandle?
    private let lock = NSLock()
    private var exitStatus: Int32?

    public init(executable: String, arguments: [String], environment: [String: String],
                currentDirectory: String? = nil, output: Output, error: Output) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        var readHandle: FileHandle?
        for (descriptor, target) in [(Int32(1), output), (Int32(2), error)] {
            switch target {
            case .discard:
                posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
            case .file(let url):
                posix_spawn_file_actions_addopen(&actions, descriptor, url.path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
            case .pipe:
                var ends: [Int32] = [0, 0]
                guard pipe(&ends) == 0 else { throw ChildProcessError.spawn(errno) }
                ends.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
                posix_spawn_file_actions_adddup2(&actions, ends[1], descriptor)
                parentEnds.append(ends[0])
                childEnds.append(ends[1])
                if descriptor == 1 { readHandle = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true) }
            }
        }
        // The child must not inherit the tests' sockets: a copy would keep a connection open after a test closes it.
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }
        if let currentDirectory, let changeDirectory = Self.addChangeDirectory {
            _ = changeDirectory(&actions, currentDirectory)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        childEnds.forEach { Glibc.close($0) }
        guard status == 0 else {
            parentEnds.forEach { Glibc.close($0) }
            throw ChildProcessError.spawn(status)
        }
        processIdentifier = pid
        outputHandle = readHandle
    }

    /// The exit code, or the signal number when a signal ended it (as Foundation's `Process` reports it).
    public var terminationStatus: Int32 {
        lock.withLock { exitStatus } ?? -1
    }

    public var isRunning: Bool {
        lock.withLock {
            if exitStatus != nil { return false }
            var status: Int32 = 0
            let result = waitpid(processIdentifier, &status, WNOHANG)
            if result == processIdentifier { exitStatus = Self.decode(status) }
            return result == 0
        }
    }

    public func signal(_ number: Int32) {
        if isRunning { kill(processIdentifier, number) }
    }

    public func terminate() { signal(SIGTERM) }

    public func waitUntilExit() {
        while isRunning { usleep(5_000) }
    }

    private static func decode(_ status: Int32) -> Int32 {
        status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    private typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
    // glibc 2.34+ and 2.29+; Swift's Glibc module does not declare them, so they are looked up by name.
    private static let addCloseFrom: CloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: CloseFrom.self) }
    private static let addChangeDirectory: ChangeDirectory? = dlsym(nil, "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: ChangeDirectory.self) }
}

public enum ChildProcessError: Error, CustomStringConvertible {
    case spawn(Int32)
    public var description: String {
        switch self { case .spawn(let code): "posix_spawn failed: \(String(cString: strerror(code)))" }
    }
}
