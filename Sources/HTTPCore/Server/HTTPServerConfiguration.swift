import Foundation

/// Every limit of the server in one value; each is also named in `config/default.json`.
public struct HTTPServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port; `HTTPServer.start()` returns the one bound.
    public var port: Int = 8080
    public var maxRequestLineBytes: Int = 8 * 1024
    public var maxHeaderBytes: Int = 32 * 1024
    public var maxHeaderCount: Int = 100
    public var maxBodyBytes: Int = 1024 * 1024
    public var headerTimeout: TimeInterval = 10
    public var bodyTimeout: TimeInterval = 30
    /// A body may take longer than `bodyTimeout` while it keeps arriving at least this fast on average: a slow
    /// but steady upload finishes, a trickle (slowloris) times out.
    public var bodyMinimumBytesPerSecond: Double = 1024
    public var keepAliveTimeout: TimeInterval = 60
    public var maxConnections: Int = 1024
    public var shutdownGrace: TimeInterval = 10
    /// After events, an event loop looks for more this long before it sleeps: on one keep-alive connection the
    /// next request usually comes sooner than a sleep and a wakeup take. 0: sleep at once.
    public var busyPoll: TimeInterval = 0.0002
    /// Bodies at least this large are gzipped when `Accept-Encoding` allows.
    public var compressionMinBytes: Int = 1024
    public var tls: TLSConfiguration?

    public init() {}
}

public struct TLSConfiguration: Sendable {
    public var certificatePath: String
    public var privateKeyPath: String
    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}

/// What the server tells its owner about traffic (access log, metrics). Called off the I/O path.
public protocol HTTPServerObserver: Sendable {
    func connectionOpened()
    func connectionClosed()
    /// One per answered request; `route` is the matched pattern when a router set it, else the path.
    func requestCompleted(_ record: AccessRecord)
    /// A client turned away before any request was read: over `maxConnections`, or out of descriptors.
    func connectionRefused()
}

extension HTTPServerObserver {
    public func connectionRefused() {}
}

public struct AccessRecord: Sendable {
    public var method: String
    /// The request target as sent (path and query, percent-encoding kept): a `?dryRun=true` shows, and an encoded
    /// space or line break stays encoded, so no path can pass for the fields after it.
    public var target: String
    public var status: Int
    public var bytes: Int
    public var duration: TimeInterval
    public var remoteAddress: String
    /// Answered by the server itself, not the responder: a request it could not read (malformed, over a limit,
    /// too slow). The responder never saw it, so only the observer can count it.
    public var answeredByServer = false
    public init(method: String, target: String, status: Int, bytes: Int, duration: TimeInterval, remoteAddress: String) {
        self.method = method
        self.target = target
        self.status = status
        self.bytes = bytes
        self.duration = duration
        self.remoteAddress = remoteAddress
    }
}
