import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One client connection. All its state lives on its event loop's thread; its handlers run on one task of its own
/// (`runHandler`), whose executor is that loop.
final class Connection: EventLoopHandler, @unchecked Sendable {
    typealias HandlerWork = @Sendable () async -> Void

    enum Phase {
        /// Waiting for (the rest of) a request head.
        case head
        /// Waiting for a screened head's body.
        case body(ParsedHead, remaining: Int, received: [UInt8])
        case chunked(ParsedHead, ChunkedBodyDecoder)
        /// A handler (screen or respond) is running; bytes that arrive wait in the buffer.
        case busy
        case closed
    }

    let descriptor: Int32
    let transport: any Transport
    let loop: EventLoop
    let remoteAddress: String
    unowned let server: HTTPServer
    /// The server's, held here: read through the unowned reference, each use was an atomic retain and release of the
    /// server (on the unowned slow path), which every loop thread shares, and a copy of the configuration's strings.
    /// Held, report POSTs ran 1.07 times as fast side by side (`ab.sh`).
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let observer: (any HTTPServerObserver)?
    let maxBufferedBytes: Int
    let shutdownBegun: OneWayFlag

    var phase = Phase.head
    var buffer: [UInt8] = []
    var readSuspended = false
    /// TLS asked to send before it can read on, or to receive before it can write on.
    var readWaitsForWritable = false
    var writeWaitsForReadable = false
    var waitingToWrite = false
    /// Closed with a lingering read (see `close(lingering:)`): readable events only drain.
    var lingering = false
    var released = false
    var pending: [UInt8] = []
    var pendingOffset = 0
    var afterWrite: (() -> Void)?
    var deadline: DispatchTime?
    /// The header timeout runs from a head's first byte (or from accept) and is never extended: re-arming it on
    /// every partial read let a client trickle one byte a second for ever (slowloris).
    var headDeadlineArmed = false
    /// How much of `buffer` the head parser last saw without finding a whole head; 0 when a new head begins.
    var headTriedUpTo = 0
    var bodyStarted = DispatchTime.now()
    var peerClosed = false
    /// Set by graceful shutdown: finish what is in flight, then close.
    var draining = false
    /// While draining, the request whose bytes came before the drain began may still be read and answered.
    var drainAdmitsOneRequest = false
    var requestStarted = ContinuousClock.now
    /// The connection's task, waiting for its next handler to run (Connection+Handling.swift, `runHandler`).
    var idleHandlerTask: UnsafeContinuation<HandlerWork?, Never>?
    /// A handler handed over while the task was still finishing the one before.
    var nextHandler: HandlerWork?
    var handlerTaskStarted = false

    init(descriptor: Int32, transport: any Transport, loop: EventLoop, remoteAddress: String, server: HTTPServer) {
        self.descriptor = descriptor
        self.transport = transport
        self.loop = loop
        self.remoteAddress = remoteAddress
        self.server = server
        self.configuration = server.configuration
        self.responder = server.responder
        self.observer = server.observer
        self.maxBufferedBytes = server.maxBufferedBytes
        self.shutdownBegun = server.shutdownBegun
    }

    func start() {
        loop.register(descriptor, self, reading: true, writing: false)
        // A new connection must send its first head within the header timeout.
        arm(configuration.headerTimeout)
        headDeadlineArmed = true
    }

    func readable(peerHungUp: Bool) {
        if writeWaitsForReadable {
            writeWaitsForReadable = false
            updateInterest()
            flush()
        }
        if lingering { drainWhileLingering() } else { readAvailable(toTheEnd: peerHungUp) }
    }

    func writable() {
        if readWaitsForWritable {
            readWaitsForWritable = false
            updateInterest()
            readAvailable()
        }
        if waitingToWrite { flush() }
    }

    func updateInterest() {
        guard !released else { return }
        loop.update(descriptor, reading: !readSuspended || writeWaitsForReadable, writing: waitingToWrite || readWaitsForWritable)
    }

    // MARK: Timers

    /// When the current phase times out (checked on the loop's sweep); nil when no timeout applies.
    func arm(_ seconds: TimeInterval) {
        deadline = DispatchTime.now() + seconds
    }

    func disarm() {
        deadline = nil
    }

    func tick(now: DispatchTime) {
        guard let deadline, now >= deadline else { return }
        self.deadline = nil
        if lingering { release() } else { timeoutFired() }
    }

    private func timeoutFired() {
        switch phase {
        case .head:
            if holdsOnlyEmptyLines { close() } else { fail(.headerTimeout) }
        case .body, .chunked:
            fail(.bodyTimeout)
        case .busy:
            // A client that stopped reading its answer (slow read) is dropped.
            if !pending.isEmpty { close() }
        case .closed:
            break
        }
    }
}
