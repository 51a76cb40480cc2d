import HTTPCore
import Prometheus

/// Prometheus metrics: requests by route and status, latency, open connections. Also the server's observer.
public final class APIMetrics: HTTPServerObserver {
    public let registry = PrometheusCollectorRegistry()
    private let connections: Gauge
    private let latency: ValueHistogram

    public init() {
        connections = registry.makeGauge(name: "cleanheat_open_connections", help: "Open HTTP connections")
        latency = registry.makeValueHistogram(name: "cleanheat_request_duration_seconds",
                                              buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
                                              help: "Time to answer a request, by the handler")
    }

    func record(route: String, method: String, status: Int, seconds: Double) {
        registry.makeCounter(name: "cleanheat_requests_total",
                             labels: [("route", route), ("method", method), ("status", String(status))],
                             help: "Requests answered, by route pattern, method and status").increment()
        if seconds > 0 { latency.record(seconds) }
    }

    public func connectionOpened() { connections.increment() }
    public func connectionClosed() { connections.decrement() }
    public func requestCompleted(_ record: AccessRecord) {}

    public func exposition() -> String { registry.emitToString() }
}
