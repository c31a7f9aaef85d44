import Foundation
import Metrics
import Prometheus
import SyncCore

/// The hub's metrics, through swift-metrics into a Prometheus registry of its own (so tests can
/// run several hubs in one process), exposed at `GET /metrics`.
struct HubMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        ]
        factory.valueHistogramBuckets["sync_exchanges_per_commit"] = [1, 2, 5, 10, 25, 50, 100, 250]
        self.factory = factory
    }

    /// One sync request, by outcome: `ok` or the error code it was refused with.
    func request(outcome: String) {
        Counter(label: "sync_requests_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    func duration(_ duration: Duration) {
        Timer(label: "sync_request_duration_seconds", factory: factory).recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Body bytes as they crossed the wire (compressed), `in` or `out`.
    func bodyBytes(_ count: Int, direction: String) {
        Counter(label: "sync_body_bytes_total", dimensions: [("direction", direction)], factory: factory).increment(by: count)
    }

    func changes(_ result: ExchangeResult) {
        // How many exchanges shared one transaction (and one fsync): above 1 under load.
        Recorder(label: "sync_exchanges_per_commit", factory: factory).record(result.groupSize)
        for (outcome, count) in [("applied", result.applied), ("lost", result.lost),
                                 ("duplicate", result.duplicate), ("rejected", result.rejected)] where count > 0 {
            Counter(label: "sync_changes_total", dimensions: [("outcome", outcome)], factory: factory).increment(by: count)
        }
    }

    /// When a commune was last heard from, and how far off its clock was.
    func node(commune: String, seenAt: Date, clockOffsetMs: Int64) {
        Gauge(label: "sync_commune_last_seen_timestamp_seconds", dimensions: [("commune", commune)], factory: factory)
            .record(seenAt.timeIntervalSince1970)
        Gauge(label: "sync_commune_clock_offset_seconds", dimensions: [("commune", commune)], factory: factory)
            .record(Double(clockOffsetMs) / 1000)
    }

    /// The Prometheus text exposition.
    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
