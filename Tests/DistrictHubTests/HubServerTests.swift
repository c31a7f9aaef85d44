import Foundation
import Hummingbird
import Logging
import SyncCore
import Testing

@testable import district_hub

/// Runs a real hub on a free loopback port for the duration of `body`, over a fresh store
/// holding task 4.1; its clock may be given (the abuse tests move it by hand).
func withRunningHub(clock: PhysicalClock = .system,
                    open: @Sendable (_ path: String, HybridLogicalClock) throws -> HubStore = { try HubStore(path: $0, clock: $1) },
                    _ body: @escaping @Sendable (_ url: String, _ store: HubStore) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hub-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try open(directory.appendingPathComponent("hub.sqlite").path, HybridLogicalClock(physical: clock))
    try await store.recordDistrict([
        FieldWrite(collection: "tasks", record: "4.1", field: "communes", value: .text("*")),
        FieldWrite(collection: "tasks", record: "4.1", field: "title", value: .text("Ban hành quyết định")),
    ], actor: "test")
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    var logger = Logger(label: "hub-test")
    logger.logLevel = .critical
    let app = buildApplication(store: store, host: "127.0.0.1", port: 0, logger: logger, metrics: HubMetrics()) { port in
        continuation.yield(port)
    }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await body("http://127.0.0.1:\(port)", store)
        group.cancelAll()
    }
}

/// A sync request body as an agent would send it, gzip'd.
func syncBody(_ request: SyncRequest) throws -> Data {
    try Gzip.compress(try WireCoding.encode(request))
}

func errorCode(_ reply: CurlHTTPClient.Reply) -> String? {
    (try? JSONDecoder().decode(ErrorBody.self, from: reply.body))?.error.code
}

@Suite("Hub over HTTP")
struct HubServerTests {
    let client = CurlHTTPClient()

    @Test("a node's exchange through libcurl: tasks come down, changes go up, the hub's clock is in the reply")
    func exchange() async throws {
        try await withRunningHub { url, store in
            let enrollment = try await store.enroll(commune: "long-dong", name: "Xã Long Đống", label: nil)
            let transport = CurlSyncTransport(hubURL: url)
            let change = PushedChange(seq: 1, collection: "progress", record: "long-dong/4.1", field: "status",
                                      value: .text("done"), hlc: HLC(wall: Int64(Date().timeIntervalSince1970 * 1000)), actor: "Nguyễn Văn A")
            let response = try await transport.exchange(
                SyncRequest(node: enrollment.node, commune: "long-dong", clock: 0, cursor: 0, changes: [change]),
                token: enrollment.token)
            #expect(response.acked == 1)
            #expect(response.rejected.isEmpty)
            #expect(Set(response.changes.map(\.collection)) == ["tasks", "communes"])
            #expect(abs(response.clock - Int64(Date().timeIntervalSince1970 * 1000)) < 60_000)
            #expect(try await store.fields(of: .progress, record: "long-dong/4.1")["status"] == .text("done"))
        }
    }

    @Test("a write to another commune's record over HTTP is refused in the reply and audited")
    func outOfScope() async throws {
        try await withRunningHub { url, store in
            let enrollment = try await store.enroll(commune: "bac-quynh", name: nil, label: nil)
            let change = PushedChange(seq: 1, collection: "progress", record: "long-dong/4.1", field: "status",
                                      value: .text("done"), hlc: HLC(wall: 1), actor: "Kẻ lạ")
            let response = try await CurlSyncTransport(hubURL: url).exchange(
                SyncRequest(node: enrollment.node, commune: "bac-quynh", clock: 0, cursor: 0, changes: [change]),
                token: enrollment.token)
            #expect(response.acked == 1)
            #expect(response.rejected.map(\.code) == ["out_of_scope"])
            #expect(try await store.fields(of: .progress, record: "long-dong/4.1").isEmpty)
            #expect(try await store.audit().last?.outcome == .rejected)
        }
    }

    @Test("over HTTP, a node's write to the appraisal fields or to another commune's scores is refused in the reply and audited; its own score goes through")
    func assessmentAuthority() async throws {
        try await withRunningHub { url, store in
            let set = CriteriaSet(title: "Bộ tiêu chí thử", criteria: [Criterion(id: "1", title: "Chỉ đạo", max: 2, criteria: [
                Criterion(id: "1.1", title: "Kế hoạch", max: 1), Criterion(id: "1.2", title: "Báo cáo", max: 1),
            ])])
            _ = try await store.importCriteria(set, year: 2026, actor: "test")
            let enrollment = try await store.enroll(commune: "long-dong", name: "Xã Long Đống", label: nil)
            let now = HLC(wall: Int64(Date().timeIntervalSince1970 * 1000))
            let changes = [
                PushedChange(seq: 1, collection: "scores", record: "long-dong/2026/1.1", field: "appraised", value: .int(1), hlc: now, actor: "Kẻ lạ"),
                PushedChange(seq: 2, collection: "scores", record: "bac-quynh/2026/1.1", field: "score", value: .int(0), hlc: now, actor: "Kẻ lạ"),
                PushedChange(seq: 3, collection: "assessments", record: "long-dong/2026", field: "decision", value: .text("appraised"), hlc: now, actor: "Kẻ lạ"),
                PushedChange(seq: 4, collection: "scores", record: "long-dong/2026/1.1", field: "score", value: .int(1), hlc: now, actor: "Nguyễn Văn An"),
            ]
            let response = try await CurlSyncTransport(hubURL: url).exchange(
                SyncRequest(node: enrollment.node, commune: "long-dong", clock: 0, cursor: 0, changes: changes), token: enrollment.token)
            #expect(response.acked == 4)
            #expect(response.rejected.map(\.code) == ["district_only", "out_of_scope", "district_only"])
            #expect(try await store.fields(of: .scores, record: "long-dong/2026/1.1") == ["score": .int(1)])
            #expect(try await store.fields(of: .scores, record: "bac-quynh/2026/1.1").isEmpty)
            #expect(try await store.audit().filter { $0.outcome == .rejected }.map(\.record)
                == ["long-dong/2026/1.1", "bac-quynh/2026/1.1", "long-dong/2026"])
            // The criteria set came down with the reply, for every commune.
            #expect(response.changes.contains { $0.collection == "criteria" && $0.record == "2026/1" })
        }
    }

    @Test("bad requests get their 4xx with a JSON error code and change nothing")
    func badRequests() async throws {
        try await withRunningHub { url, store in
            let enrollment = try await store.enroll(commune: "long-dong", name: nil, label: nil)
            let auth = "Authorization: Bearer \(enrollment.token)"
            let endpoint = url + SyncProtocol.path
            let valid = SyncRequest(node: enrollment.node, commune: "long-dong", clock: 0, cursor: 0, changes: [])
            let auditBefore = try await store.audit().count

            let client = client
            func post(_ body: Data, _ headers: [String]) async throws -> CurlHTTPClient.Reply {
                try await runBlocking { try client.post(url: endpoint, body: body, headers: headers) }
            }
            let gzipped = ["Content-Encoding: gzip", "Content-Type: application/json"]

            let noToken = try await post(try syncBody(valid), gzipped)
            #expect(noToken.status == 401 && errorCode(noToken) == "unauthorized")
            let guessed = try await post(try syncBody(valid), gzipped + ["Authorization: Bearer \(enrollment.node).\(String(repeating: "0", count: 64))"])
            #expect(guessed.status == 401 && errorCode(guessed) == "unauthorized")

            let malformed = try await post(try Gzip.compress(Data(#"{"protocol": 1, "node": "#.utf8)), gzipped + [auth])
            #expect(malformed.status == 400 && errorCode(malformed) == "invalid_input")
            let notGzip = try await post(Data("plain text".utf8), gzipped + [auth])
            #expect(notGzip.status == 400 && errorCode(notGzip) == "invalid_input")

            var oldProtocol = valid
            oldProtocol.protocolVersion = 99
            let version = try await post(try syncBody(oldProtocol), gzipped + [auth])
            #expect(version.status == 409 && errorCode(version) == "protocol_version")

            var otherCommune = valid
            otherCommune.commune = "bac-quynh"
            let forbidden = try await post(try syncBody(otherCommune), gzipped + [auth])
            #expect(forbidden.status == 403 && errorCode(forbidden) == "forbidden")

            let oversized = try await post(Data(repeating: 0x20, count: SyncProtocol.maxCompressedBodyBytes + 1), gzipped + [auth])
            #expect(oversized.status == 413)

            // 64 MiB of zeros gzip to about 64 KiB: a bomb, refused without inflating it all.
            let bomb = try Gzip.compress(Data(count: 64 << 20), level: 9)
            #expect(bomb.count < SyncProtocol.maxCompressedBodyBytes)
            let exploded = try await post(bomb, gzipped + [auth])
            #expect(exploded.status == 413 && errorCode(exploded) == "too_large")

            let unordered = SyncRequest(node: enrollment.node, commune: "long-dong", clock: 0, cursor: 0, changes: [
                PushedChange(seq: 2, collection: "progress", record: "long-dong/4.1", field: "percent", value: .int(5), hlc: HLC(wall: 1), actor: "A"),
                PushedChange(seq: 1, collection: "progress", record: "long-dong/4.1", field: "percent", value: .int(6), hlc: HLC(wall: 2), actor: "A"),
            ])
            let misordered = try await post(try syncBody(unordered), gzipped + [auth])
            #expect(misordered.status == 400 && errorCode(misordered) == "invalid_input")

            #expect(try await store.audit().count == auditBefore)
            #expect(try await store.fields(of: .progress, record: "long-dong/4.1").isEmpty)
        }
    }

    @Test("/metrics answers loopback and the listed addresses only; a bad list is refused")
    func metricsAccess() throws {
        let access = try #require(MetricsAccess.parse(" 10.0.0.5, fd00::7 "))
        #expect(access.allows("127.0.0.1") && access.allows("::1") && access.allows("::ffff:127.0.0.1"))
        #expect(access.allows("10.0.0.5") && access.allows("fd00::7"))
        #expect(!access.allows("10.0.0.6") && !access.allows("192.168.1.20") && !access.allows("unknown"))
        #expect(!(MetricsAccess.parse(nil)?.allows("10.0.0.5") ?? true))
        #expect(MetricsAccess.parse("10.0.0.5; rm -rf /") == nil)
    }

    @Test("/metrics is Prometheus text and its counters move with traffic")
    func metrics() async throws {
        try await withRunningHub { url, store in
            let client = client
            func scrape() async throws -> [String: Double] {
                let reply = try await runBlocking { try client.get(url: url + "/metrics") }
                #expect(reply.status == 200)
                var samples: [String: Double] = [:]
                for line in String(decoding: reply.body, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
                    let parts = line.split(separator: " ")
                    guard parts.count == 2, let value = Double(parts[1]) else {
                        Issue.record("not a Prometheus sample line: \(line)")
                        continue
                    }
                    samples[String(parts[0])] = value
                }
                return samples
            }
            let enrollment = try await store.enroll(commune: "long-dong", name: nil, label: nil)
            let changes = (1...3).map { seq in
                PushedChange(seq: Int64(seq), collection: "progress", record: "long-dong/4.1", field: "percent",
                             value: .int(Int64(seq * 10)), hlc: HLC(wall: Int64(seq)), actor: "A")
            }
            let before = try await scrape()
            _ = try await CurlSyncTransport(hubURL: url).exchange(
                SyncRequest(node: enrollment.node, commune: "long-dong", clock: 0, cursor: 0, changes: changes),
                token: enrollment.token)
            _ = try await runBlocking { try client.post(url: url + SyncProtocol.path, body: Data("{}".utf8), headers: []) }
            let after = try await scrape()
            #expect(after["sync_requests_total{outcome=\"ok\"}", default: 0] == before["sync_requests_total{outcome=\"ok\"}", default: 0] + 1)
            #expect(after["sync_requests_total{outcome=\"unauthorized\"}", default: 0] == 1)
            #expect(after["sync_changes_total{outcome=\"applied\"}"] == 3)
            #expect(after["sync_request_duration_seconds_count"] == 1)
            #expect(after["sync_body_bytes_total{direction=\"in\"}", default: 0] > 0)
            #expect(after["sync_commune_last_seen_timestamp_seconds{commune=\"long-dong\"}", default: 0] > 1_700_000_000)
        }
    }

    @Test("a restarted hub's metrics still say when each commune was last heard from, and 0 for never")
    func metricsRestoredAtStart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hub-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try HubStore(path: directory.appendingPathComponent("hub.sqlite").path,
                              clock: HybridLogicalClock(physical: PhysicalClock { 1_800_000_000_000 }))
        let heard = try await store.enroll(commune: "long-dong", name: nil, label: nil)
        _ = try await store.enroll(commune: "bac-son", name: nil, label: nil)
        _ = try await store.exchange(SyncRequest(node: heard.node, commune: "long-dong", clock: 1_799_999_997_000, cursor: 0, changes: []),
                               from: try await store.authenticate(token: heard.token))

        let metrics = HubMetrics()
        metrics.restore(from: try await store.nodes())
        let samples = Set(metrics.exposition().split(separator: "\n").filter { !$0.hasPrefix("#") })
        #expect(samples.contains(#"sync_commune_last_seen_timestamp_seconds{commune="long-dong"} 1800000000.0"#))
        #expect(samples.contains(#"sync_commune_clock_offset_seconds{commune="long-dong"} 3.0"#))
        #expect(samples.contains(#"sync_commune_last_seen_timestamp_seconds{commune="bac-son"} 0.0"#))
    }

    @Test("repeated guessed tokens slow down to 429 with Retry-After; a valid token is still served; /metrics counts them")
    func guessingSlowsDown() async throws {
        try await withRunningHub { url, store in
            let enrollment = try await store.enroll(commune: "long-dong", name: nil, label: nil)
            let client = client
            let body = try syncBody(SyncRequest(node: enrollment.node, commune: "long-dong", clock: 0, cursor: 0, changes: []))
            func attempt(_ token: String) async throws -> CurlHTTPClient.Reply {
                try await runBlocking {
                    try client.post(url: url + SyncProtocol.path, body: body,
                                    headers: ["Content-Encoding: gzip", "Authorization: Bearer \(token)"])
                }
            }
            for guess in 0..<10 {
                let reply = try await attempt("\(enrollment.node).long-dong.\(String(format: "%064d", guess))")
                #expect(reply.status == 401)
            }
            let slowed = try await attempt("\(enrollment.node).long-dong.\(String(repeating: "f", count: 64))")
            #expect(slowed.status == 429)
            #expect(errorCode(slowed) == "slow_down")
            #expect((slowed.retryAfter ?? 0) >= 1)
            // A valid token from the same address is served: a commune's PCs share NAT'd addresses.
            #expect(try await attempt(enrollment.token).status == 200)
            let metrics = try await runBlocking { try client.get(url: url + "/metrics") }
            let text = String(decoding: metrics.body, as: UTF8.self)
            #expect(text.contains(#"auth_failures_total{kind="node"} 10"#))
            #expect(text.contains(#"auth_throttled_total{kind="node"} 1"#))
        }
    }

    @Test("the throttle counts each key a failure names, and every failure overall")
    func throttleKeys() {
        let throttle = AuthThrottle(maxFailures: 3, maxFailuresOverall: 5, window: 60)
        let start = Date(timeIntervalSince1970: 1_000)
        // One claimed node guessed from three addresses: the node is throttled, not the addresses.
        for offset in 0..<3 { throttle.recordFailure(from: "address:10.0.0.\(offset)", "node:n-1", now: start) }
        #expect(throttle.retryAfter(for: "address:10.0.0.9", "node:n-1", now: start) == 60)
        #expect(throttle.retryAfter(for: "address:10.0.0.0", "node:n-2", now: start) == nil)
        // Past the overall cap, every failing attempt waits.
        for offset in 0..<2 { throttle.recordFailure(from: "address:10.1.0.\(offset)", "node:n-\(offset + 3)", now: start) }
        #expect(throttle.retryAfter(for: "address:10.9.9.9", "node:n-9", now: start.addingTimeInterval(1)) == 59)
        #expect(throttle.retryAfter(for: "address:10.9.9.9", "node:n-9", now: start.addingTimeInterval(61)) == nil)
    }

    @Test("the throttle forgets failures once its window has passed")
    func throttleWindow() {
        let throttle = AuthThrottle(maxFailures: 3, window: 60)
        let start = Date(timeIntervalSince1970: 1_000)
        for offset in 0..<3 { throttle.recordFailure(from: "10.0.0.1", now: start.addingTimeInterval(Double(offset))) }
        #expect(throttle.retryAfter(for: "10.0.0.1", now: start.addingTimeInterval(3)) == 57)
        #expect(throttle.retryAfter(for: "10.0.0.2", now: start.addingTimeInterval(3)) == nil)
        #expect(throttle.retryAfter(for: "10.0.0.1", now: start.addingTimeInterval(61)) == nil)
    }

    @Test("healthz answers ok while the store is readable")
    func healthz() async throws {
        try await withRunningHub { url, _ in
            let client = client
            let reply = try await runBlocking { try client.get(url: url + "/healthz") }
            #expect(reply.status == 200)
            #expect(String(decoding: reply.body, as: UTF8.self).contains("\"ok\""))
        }
    }
}
