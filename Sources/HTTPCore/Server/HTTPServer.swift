import Dispatch
import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on non-blocking sockets: one Dispatch accept source, and connections spread over a fixed
/// set of epoll event loops, one thread each (no thread per connection).
public final class HTTPServer: @unchecked Sendable {
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let observer: (any HTTPServerObserver)?
    let logger: Logger
    /// The most a connection buffers while a handler runs (pipelined requests wait in it).
    let maxBufferedBytes: Int

    private var loops: [EventLoop] = []
    private let acceptQueue = DispatchQueue(label: "cleanheat.http.accept")
    private let lock = NSLock()
    private var serverState = ServerState()
    private var tls: TLSContext?
    /// Set (under the lock, so that no connection is admitted after it) as shutdown begins; read by every answer
    /// without the lock: one finished after this point says `Connection: close` even if its connection has not
    /// yet been told to drain. (Each connection holds it: read through the server, it cost every answer a retain and
    /// a release of the server.)
    let shutdownBegun = OneWayFlag()
    private let graceEnded = OneWayFlag()
    /// Held open to be given up when descriptors run out (on the accept queue only): see `refuseWithoutDescriptors`.
    private nonisolated(unsafe) var spareDescriptor: Int32 = -1
    private nonisolated(unsafe) var lastDescriptorWarning: DispatchTime?

    private struct ServerState {
        var listener: Int32 = -1
        var acceptSource: (any DispatchSourceRead)?
        var connections: [ObjectIdentifier: Connection] = [:]
        var nextLoop = 0
        /// Connections' handler tasks begun and not yet ended (`Connection.runHandler`).
        var handlerTasks = 0
    }

    private func withState<T>(_ body: (inout ServerState) -> T) -> T {
        lock.withLock { body(&serverState) }
    }

    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder,
                observer: (any HTTPServerObserver)? = nil, logger: Logger) {
        self.configuration = configuration
        self.responder = responder
        self.observer = observer
        self.logger = logger
        self.maxBufferedBytes = configuration.maxRequestLineBytes + configuration.maxHeaderBytes + configuration.maxBodyBytes + 65_536
    }

    /// Binds the address and lets it go: whether `start()` could listen there now (the port free, the host one of
    /// this machine's), asked before anything is made that a failed start would leave behind.
    public static func checkCanListen(host: String, port: Int) throws {
        let (descriptor, _) = try Socket.listen(host: host, port: port, backlog: 1)
        Glibc.close(descriptor)
    }

    /// Binds, listens and starts accepting; returns the bound port (useful with port 0).
    public func start() throws -> Int {
        if let settings = configuration.tls { tls = try TLSContext(configuration: settings) }
        let count = max(2, ProcessInfo.processInfo.activeProcessorCount)
        loops = try (0..<count).map { try EventLoop(name: "http-loop-\($0)", busyPoll: configuration.busyPoll) }
        let (listener, port) = try Socket.listen(host: configuration.host, port: configuration.port)
        spareDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let source = DispatchSource.makeReadSource(fileDescriptor: listener, queue: acceptQueue)
        source.setEventHandler { [weak self] in self?.acceptAvailable() }
        source.setCancelHandler { Glibc.close(listener) }
        withState {
            $0.listener = listener
            $0.acceptSource = source
        }
        source.resume()
        return port
    }

    private func acceptAvailable() {
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let listener = withState { $0.listener }
            let descriptor = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept(listener, $0, &length)
                }
            }
            if descriptor < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE, refuseWithoutDescriptors(listener) { continue }
                return
            }
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            guard (try? Socket.setNonBlocking(descriptor)) != nil else { Glibc.close(descriptor); continue }
            Socket.setNoDelay(descriptor)
            admit(descriptor, remoteAddress: Socket.address(of: storage))
        }
    }

    /// Out of descriptors (the process limit reached before `maxConnections`): a client waiting in the backlog keeps
    /// the listener readable, so returning had the accept source call again at once, for ever: a core spinning, the
    /// log flooded, the client never answered. The spare descriptor makes room to take one client and refuse it
    /// (503 on plain HTTP); without it (not yet reopened), accepting pauses for a moment. True when a client was taken.
    private func refuseWithoutDescriptors(_ listener: Int32) -> Bool {
        let now = DispatchTime.now()
        if lastDescriptorWarning.map({ now.uptimeNanoseconds - $0.uptimeNanoseconds > 10_000_000_000 }) ?? true {
            lastDescriptorWarning = now
            logger.warning("accept: out of file descriptors; refusing new connections (raise `ulimit -n` above limits.maxConnections)")
        }
        guard spareDescriptor >= 0 else {
            usleep(100_000) // the accept queue's own thread: nothing else waits on it
            return false
        }
        Glibc.close(spareDescriptor)
        let descriptor = accept(listener, nil, nil)
        if descriptor >= 0 {
            observer?.connectionRefused()
            if tls == nil {
                let bytes = ResponseSerializer.serialize(Self.overloaded, headOnly: false, keepAlive: false)
                _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                Glibc.shutdown(descriptor, Int32(SHUT_WR))
            }
            Glibc.close(descriptor)
        }
        spareDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
        return descriptor >= 0
    }

    private static let overloaded = HTTPResponse.error(503, code: "overloaded", message: "服务器连接数已满，请稍后重试",
                                                       headers: HTTPFields(["Retry-After": "1"]))

    private func admit(_ descriptor: Int32, remoteAddress: String) {
        let (full, stopping, loop) = withState { state -> (Bool, Bool, EventLoop) in
            state.nextLoop = (state.nextLoop + 1) % loops.count
            return (state.connections.count >= configuration.maxConnections, isStopping, loops[state.nextLoop])
        }
        if full || stopping {
            refuse(descriptor)
            return
        }
        let transport: any Transport
        if let tls {
            guard let session = TLSTransport(context: tls, descriptor: descriptor) else { Glibc.close(descriptor); return }
            transport = session
        } else {
            transport = PlainTransport(descriptor: descriptor)
        }
        let connection = Connection(descriptor: descriptor, transport: transport, loop: loop, remoteAddress: remoteAddress, server: self)
        withState { $0.connections[ObjectIdentifier(connection)] = connection }
        observer?.connectionOpened()
        loop.execute { connection.start() }
    }

    /// Over the connection limit: a short 503 and close, so the client knows to come back.
    private func refuse(_ descriptor: Int32) {
        observer?.connectionRefused()
        if tls == nil {
            let bytes = ResponseSerializer.serialize(Self.overloaded, headOnly: false, keepAlive: false)
            _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            Glibc.shutdown(descriptor, Int32(SHUT_WR))
            // Give the client a moment to read the answer before the reset that closing with unread bytes causes.
            let queue = acceptQueue
            queue.asyncAfter(deadline: .now() + 0.5) { Glibc.close(descriptor) }
        } else {
            Glibc.close(descriptor)
        }
    }

    func connectionClosed(_ connection: Connection) {
        withState { _ = $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
        observer?.connectionClosed()
    }

    public var openConnections: Int { withState { $0.connections.count } }

    /// Connections' handler tasks still alive: one per connection that has had a request, ended when it closes.
    /// For tests.
    var handlerTasks: Int { withState { $0.handlerTasks } }
    func handlerTaskBegan() { withState { $0.handlerTasks += 1 } }
    func handlerTaskEnded() { withState { $0.handlerTasks -= 1 } }

    /// Ends a shutdown's grace period now: the connections still busy are closed as if it had run out.
    public func endGrace() { graceEnded.set() }

    /// True once `shutdown()` has begun.
    public var isStopping: Bool { shutdownBegun.isSet }

    /// Stops accepting, closes idle connections, lets requests in flight finish within the grace period
    /// (their answers carry `Connection: close`), then closes whatever is left.
    public func shutdown() async {
        // Connections the kernel has completed but no one accepted yet carry requests sent before the signal:
        // take them in first, so that they drain like the others instead of being reset with the listener.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            acceptQueue.async { [self] in
                if withState({ $0.acceptSource != nil }) { acceptAvailable() }
                done.resume()
            }
        }
        let (source, connections) = withState { state -> ((any DispatchSourceRead)?, [Connection]) in
            shutdownBegun.set()
            let source = state.acceptSource
            state.acceptSource = nil
            return (source, Array(state.connections.values))
        }
        source?.cancel()
        acceptQueue.async { [self] in
            if spareDescriptor >= 0 { Glibc.close(spareDescriptor) }
            spareDescriptor = -1
        }
        for connection in connections {
            connection.loop.execute { connection.beginDraining() }
        }
        let deadline = ContinuousClock.now + .milliseconds(Int(configuration.shutdownGrace * 1000))
        while openConnections > 0 && ContinuousClock.now < deadline && !graceEnded.isSet {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let left = withState { Array($0.connections.values) }
        for connection in left {
            connection.loop.execute {
                connection.close()
                connection.release() // one still lingering goes too
            }
        }
        if !left.isEmpty { logger.warning("closed \(left.count) connections still busy after the grace period") }
        try? await Task.sleep(for: .milliseconds(50))
        for loop in loops { loop.stop() }
    }
}

extension Connection {
    /// Shutdown: a busy connection closes after its answer. One waiting for a head first reads what the client
    /// has sent: a request begun before the drain is in flight, and is answered (with `Connection: close`).
    /// Only a connection with nothing sent closes at once.
    func beginDraining() {
        draining = true
        guard case .head = phase else { return }
        drainAdmitsOneRequest = true
        readAvailable()
        if case .head = phase, holdsOnlyEmptyLines { close() }
    }
}

/// A flag that is only ever set, read without a lock (shutdown begun, grace ended). A class, so that a connection
/// can hold the server's own.
final class OneWayFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
