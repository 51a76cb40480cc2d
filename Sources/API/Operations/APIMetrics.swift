import HTTPCore
import Prometheus
import Synchronization

/// Prometheus metrics: requests by route and status, latency, open connections. Also the server's observer.
public final class APIMetrics: HTTPServerObserver {
    public let registry = PrometheusCollectorRegistry()
    private let connections: Gauge
    private let refusedConnections: Counter
    private let latency: ValueHistogram
    /// The registry's counters by label set: asking the registry each time built and looked up the labels
    /// under its lock, a twentieth of a cached GET's time.
    private let requestCounters = Mutex<[RequestLabels: Counter]>([:])

    private static let standardMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]

    private struct RequestLabels: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    public init() {
        connections = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "cleanheat", metricName: "open", unitName: "connections", helpText: "Open HTTP connections"))
        latency = registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(namespace: "cleanheat", metricName: "request_duration", unitName: "seconds",
                                             helpText: "Time to answer a request, by the handler"),
            buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5])
        refusedConnections = registry.makeCounter(descriptor: MetricNameDescriptor(
            namespace: "cleanheat", metricName: "refused_connections", unitName: "total",
            helpText: "Clients turned away before a request was read: over limits.maxConnections, or out of file descriptors"))
    }

    func record(route: String, method: String, status: Int, seconds: Double) {
        // A client may send any token as a method: only the standard ones get a label of their own, so that
        // the number of counters stays bounded.
        let method = Self.standardMethods.contains(method) ? method : "OTHER"
        let labels = RequestLabels(route: route, method: method, status: status)
        let counter = requestCounters.withLock { counters in
            if let known = counters[labels] { return known }
            let made = registry.makeCounter(descriptor: MetricNameDescriptor(
                namespace: "cleanheat", metricName: "requests", unitName: "total",
                helpText: "Requests answered, by route pattern, method and status"),
                                            labels: [("route", route), ("method", method), ("status", String(status))])
            counters[labels] = made
            return made
        }
        counter.increment()
        if seconds > 0 { latency.record(seconds) }
    }

    public func connectionOpened() { connections.increment() }
    public func connectionClosed() { connections.decrement() }
    public func connectionRefused() { refusedConnections.increment() }
    public func requestCompleted(_ record: AccessRecord) {}

    public func exposition() -> String { registry.emitToString() }
}
