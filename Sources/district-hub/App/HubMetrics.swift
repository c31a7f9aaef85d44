import Foundation
import Metrics
import Prometheus
import Synchronization
import SyncCore

/// The hub's metrics, through swift-metrics into a Prometheus registry of its own (so tests can
/// run several hubs in one process), exposed at `GET /metrics`.
struct HubMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let requests: LabelledMetric<CoreMetrics.Counter>
    private let bodyByteCounts: LabelledMetric<CoreMetrics.Counter>
    private let changeOutcomes: LabelledMetric<CoreMetrics.Counter>
    private let authFailures: LabelledMetric<CoreMetrics.Counter>
    private let authThrottles: LabelledMetric<CoreMetrics.Counter>
    private let lastSeen: LabelledMetric<CoreMetrics.Gauge>
    private let clockOffset: LabelledMetric<CoreMetrics.Gauge>
    private let requestDuration: CoreMetrics.Timer
    private let exchangesPerCommit: Recorder
    private let uploadOutcomes: LabelledMetric<CoreMetrics.Counter>
    private let uploadByteCount: CoreMetrics.Counter
    private let storedFileBytes: LabelledMetric<CoreMetrics.Gauge>
    private let storeBytes: CoreMetrics.Gauge
    private let filesystemFreeBytes: CoreMetrics.Gauge
    private let filesystemSizeBytes: CoreMetrics.Gauge
    private let watchdogPing: CoreMetrics.Gauge

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        ]
        factory.valueHistogramBuckets["sync_exchanges_per_commit"] = [1, 2, 5, 10, 25, 50, 100, 250]
        let configured = factory
        requests = LabelledMetric("outcome") { Counter(label: "sync_requests_total", dimensions: $0, factory: configured) }
        bodyByteCounts = LabelledMetric("direction") { Counter(label: "sync_body_bytes_total", dimensions: $0, factory: configured) }
        changeOutcomes = LabelledMetric("outcome") { Counter(label: "sync_changes_total", dimensions: $0, factory: configured) }
        authFailures = LabelledMetric("kind") { Counter(label: "auth_failures_total", dimensions: $0, factory: configured) }
        authThrottles = LabelledMetric("kind") { Counter(label: "auth_throttled_total", dimensions: $0, factory: configured) }
        lastSeen = LabelledMetric("commune") {
            Gauge(label: "sync_commune_last_seen_timestamp_seconds", dimensions: $0, factory: configured)
        }
        clockOffset = LabelledMetric("commune") { Gauge(label: "sync_commune_clock_offset_seconds", dimensions: $0, factory: configured) }
        requestDuration = Timer(label: "sync_request_duration_seconds", factory: factory)
        exchangesPerCommit = Recorder(label: "sync_exchanges_per_commit", factory: factory)
        uploadOutcomes = LabelledMetric("outcome") { Counter(label: "file_uploads_total", dimensions: $0, factory: configured) }
        uploadByteCount = Counter(label: "file_upload_bytes_total", factory: factory)
        storedFileBytes = LabelledMetric("commune") { Gauge(label: "file_stored_bytes", dimensions: $0, factory: configured) }
        storeBytes = Gauge(label: "hub_store_bytes", factory: factory)
        filesystemFreeBytes = Gauge(label: "hub_store_filesystem_free_bytes", factory: factory)
        filesystemSizeBytes = Gauge(label: "hub_store_filesystem_size_bytes", factory: factory)
        // 0 until the first ping: a hub not run under systemd's watchdog never pings.
        watchdogPing = Gauge(label: "hub_watchdog_last_ping_timestamp_seconds", factory: factory)
        watchdogPing.record(0)
    }

    /// The store's size (database and write-ahead log) and the room left on its filesystem,
    /// read at each scrape: what the "disk filling" alert watches (`config/prometheus`).
    func store(at path: String) {
        let sizes = [path, path + "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int64 }
        storeBytes.record(sizes.reduce(0, +))
        var stats = statvfs()
        guard statvfs(URL(fileURLWithPath: path).deletingLastPathComponent().path, &stats) == 0 else { return }
        filesystemFreeBytes.record(Int64(stats.f_bavail) * Int64(stats.f_frsize))
        filesystemSizeBytes.record(Int64(stats.f_blocks) * Int64(stats.f_frsize))
    }

    /// The watchdog pinged systemd (the store answered).
    func watchdogPinged(at date: Date) {
        watchdogPing.record(date.timeIntervalSince1970)
    }

    /// An evidence upload's step, by outcome: `resumed` (a PATCH past offset 0), `stored`, or
    /// why it was refused (`too_large`, `quota`, `checksum_mismatch`, `file_type`).
    func upload(outcome: String) {
        uploadOutcomes[outcome].increment()
    }

    /// Upload bytes written to the hub's disk.
    func uploadBytes(_ count: Int) {
        uploadByteCount.increment(by: count)
    }

    /// The bytes of evidence files a commune has at the hub.
    func storedBytes(_ bytes: Int64, commune: String) {
        storedFileBytes[commune].record(bytes)
    }

    /// One sync request, by outcome: `ok` or the error code it was refused with.
    func request(outcome: String) {
        requests[outcome].increment()
    }

    func duration(_ duration: Duration) {
        requestDuration.recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Body bytes as they crossed the wire (compressed), `in` or `out`.
    func bodyBytes(_ count: Int, direction: String) {
        bodyByteCounts[direction].increment(by: count)
    }

    func changes(_ result: ExchangeResult) {
        // How many exchanges shared one transaction (and one fsync): above 1 under load.
        exchangesPerCommit.record(result.groupSize)
        for (outcome, count) in [("applied", result.applied), ("lost", result.lost),
                                 ("duplicate", result.duplicate), ("rejected", result.rejected)] where count > 0 {
            changeOutcomes[outcome].increment(by: count)
        }
    }

    /// A failed authentication, `node` (a token) or `dashboard` (a password).
    func authFailed(kind: String) {
        authFailures[kind].increment()
    }

    /// An attempt answered 429 by the throttle, by kind.
    func authThrottled(kind: String) {
        authThrottles[kind].increment()
    }

    /// When a commune was last heard from, and how far off its clock was.
    func node(commune: String, seenAt: Date, clockOffsetMs: Int64) {
        lastSeen[commune].record(seenAt.timeIntervalSince1970)
        clockOffset[commune].record(Double(clockOffsetMs) / 1000)
    }

    /// Sets every enrolled commune's gauges from the store, at start-up: Prometheus keeps
    /// knowing when each commune was last heard from across a restart (0: never), and when a
    /// thousand communes reconnect afterwards their gauges are already made (making one takes
    /// the registry's lock and costs more the more there are: `Benchmarks/README.md`, run 7).
    func restore(from nodes: [NodeInfo]) {
        var latest: [String: NodeInfo] = [:]
        for node in nodes where node.revokedAt == nil {
            if let known = latest[node.commune], (known.lastSeenMillis ?? 0) >= (node.lastSeenMillis ?? 0) { continue }
            latest[node.commune] = node
        }
        for (commune, node) in latest {
            self.node(commune: commune, seenAt: Date(timeIntervalSince1970: Double(node.lastSeenMillis ?? 0) / 1000),
                      clockOffsetMs: node.clockOffsetMs ?? 0)
        }
    }

    /// The Prometheus text exposition.
    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// One metric with one label, its handle for each value made once. Making a handle looks it up
/// in the Prometheus registry under its lock, which, for the six a sync request records, cost
/// more than the exchange's JSON (`perf record` with a thousand nodes, `Benchmarks/README.md`).
final class LabelledMetric<Handle: Sendable>: Sendable {
    private let label: String
    private let make: @Sendable ([(String, String)]) -> Handle
    private let made = Mutex<[String: Handle]>([:])

    init(_ label: String, make: @escaping @Sendable (_ dimensions: [(String, String)]) -> Handle) {
        self.label = label
        self.make = make
    }

    subscript(value: String) -> Handle {
        made.withLock { made in
            if let handle = made[value] { return handle }
            let handle = make([(label, value)])
            made[value] = handle
            return handle
        }
    }
}
