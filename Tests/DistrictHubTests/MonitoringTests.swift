import Foundation
import TestSupport
import Testing

@testable import SyncCore
@testable import district_hub

/// The alert rules and the Grafana dashboard in `config/` name only metrics the hub exports,
/// so a renamed metric cannot leave an alert that never fires.
@Suite("Monitoring")
struct MonitoringTests {
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config")

    /// The hub's metric names in PromQL: every identifier of its families' prefixes outside
    /// quoted label values (`outcome=~"storage|hub_error"` names no metric).
    static func metricNames(_ promQL: String) -> Set<String> {
        let unquoted = promQL.replacing(/"[^"]*"/, with: "")
        return Set(unquoted.matches(of: /\b(?:sync|file|auth|hub)_[a-z0-9_]+\b/).map { String($0.output) })
    }

    /// The sample names of a Prometheus exposition (`name{labels} value` lines).
    static func sampleNames(_ exposition: String) -> Set<String> {
        Set(exposition.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            String(line.prefix { $0 != "{" && $0 != " " })
        })
    }

    @Test("every metric an alert rule names is on a running hub's /metrics once a commune has synced")
    func alertRules() async throws {
        let rules = try String(contentsOf: Self.config.appendingPathComponent("prometheus/district-hub-alerts.yml"), encoding: .utf8)
        let expressions = rules.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("expr:") }
        #expect(expressions.count == 8)
        let named = Self.metricNames(expressions.joined(separator: "\n"))
        #expect(named.isSuperset(of: ["sync_commune_last_seen_timestamp_seconds", "sync_commune_clock_offset_seconds", "sync_changes_total",
                                      "sync_requests_total", "hub_store_filesystem_free_bytes", "hub_watchdog_last_ping_timestamp_seconds"]))
        try await withRunningHub { url, store in
            let enrollment = try await store.enroll(commune: "long-dong", name: nil, label: nil)
            _ = try await CurlSyncTransport(hubURL: url).exchange(
                SyncRequest(node: enrollment.node, commune: "long-dong", clock: 0, cursor: 0, changes: [
                    PushedChange(seq: 1, collection: "progress", record: "long-dong/4.1", field: "percent", value: .int(10),
                                 hlc: HLC(wall: 1), actor: "A"),
                ]), token: enrollment.token)
            let reply = try await runBlocking { try CurlHTTPClient().get(url: url + "/metrics") }
            let exported = Self.sampleNames(String(decoding: reply.body, as: UTF8.self))
            #expect(named.subtracting(exported).isEmpty, "named by the rules but not exported: \(named.subtracting(exported).sorted())")
            let text = String(decoding: reply.body, as: UTF8.self)
            // The store's gauges are read at each scrape; the watchdog's stays 0 outside systemd.
            #expect(text.contains("hub_watchdog_last_ping_timestamp_seconds 0"))
            let free = text.split(separator: "\n").first { $0.hasPrefix("hub_store_filesystem_free_bytes ") }
            #expect((free?.split(separator: " ").last.flatMap { Double($0) } ?? 0) > 0)
        }
    }

    @Test("every metric the Grafana dashboard charts is one the hub exports")
    func dashboard() throws {
        let data = try Data(contentsOf: Self.config.appendingPathComponent("grafana/district-hub-dashboard.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(json["panels"] as? [[String: Any]])
        let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(panels.count >= 10 && expressions.count >= panels.count)
        // Every family the hub has, each label seen once, as after a day of traffic.
        let metrics = HubMetrics()
        metrics.request(outcome: "ok")
        metrics.changes(ExchangeResult(response: SyncResponse(commune: "long-dong", clock: 0, acked: 0, rejected: [], restamped: [], changes: [], cursor: 0, more: false),
                                       applied: 1))
        metrics.duration(.milliseconds(5))
        metrics.bodyBytes(10, direction: "in")
        metrics.authFailed(kind: "node")
        metrics.authThrottled(kind: "node")
        metrics.node(commune: "long-dong", seenAt: Date(), clockOffsetMs: 0)
        metrics.upload(outcome: "stored")
        metrics.uploadBytes(10)
        metrics.storedBytes(10, commune: "long-dong")
        metrics.store(at: FileManager.default.temporaryDirectory.appendingPathComponent("hub.sqlite").path)
        let exported = Self.sampleNames(metrics.exposition())
        let named = Self.metricNames(expressions.joined(separator: "\n"))
        #expect(named.count >= 12)
        #expect(named.subtracting(exported).isEmpty, "charted but not exported: \(named.subtracting(exported).sorted())")
    }
}
