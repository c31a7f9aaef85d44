import Foundation
import SyncCore
import TestSupport
import Testing

/// The agent reaches its hub through `fault-proxy`, which cuts, stalls and drops what passes
/// and answers in the hub's place. Whatever the network does, repeated `commune-agent sync`
/// runs (or the daemon) converge, and every change is at the hub exactly once.
///
/// Each test writes rounds of changes and syncs them until the fault it is about has struck
/// (at least `NETWORK_ITERATIONS` rounds, 1 by default; scripts/network-suite runs many).
/// The proxy's seed is random and named in every failure; `NETWORK_SEED` replays it.
@Suite("Network faults", .serialized)
struct NetworkFaultTests {
    static let environment = ProcessInfo.processInfo.environment
    static let iterations = max(1, environment["NETWORK_ITERATIONS"].flatMap(Int.init) ?? 1)
    /// Rounds allowed beyond `iterations` for a random fault to strike at least once.
    static let spareRounds = 20

    /// A hub, the proxy in front of it, and an agent that knows only the proxy's address.
    final class Line {
        let setup: DaemonTests.Setup
        let hub: HubProcess
        let proxy: FaultProxyProcess
        let seed: UInt64
        /// Changes written into the agent's store so far.
        private(set) var written = 0

        init(_ proxyArguments: [String]) throws {
            setup = try DaemonTests.Setup()
            hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB)
            seed = NetworkFaultTests.environment["NETWORK_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
            proxy = try FaultProxyProcess(workspace: setup.workspace, hub: hub, arguments: proxyArguments + ["--seed", "\(seed)"])
            try setup.workspace.succeed(Binaries.agent, [
                "init", "--db", setup.agentDB, "--hub", proxy.url, "--commune", "long-dong", "--token-file", setup.tokenFile,
            ])
        }

        deinit {
            proxy.stop()
            hub.stop()
        }

        /// Writes notes on the commune's tasks straight into the agent's store, as the CLI would.
        func write(_ count: Int, record: (Int) -> String = { "long-dong/4.\($0 % 5 + 1)" }) async throws {
            let store = try AgentStore(path: setup.agentDB, create: false)
            let node = try await store.agentIdentity().node
            for _ in 0..<count {
                written += 1
                try await store.record([FieldWrite(collection: "progress", record: record(written), field: "note",
                                                   value: .text("ghi chú \(written)"))], actor: "Nguyễn Văn An", node: node)
            }
        }

        /// Runs `commune-agent sync` until one drains both directions; returns the runs that
        /// failed on the way, after checking each with `check`.
        @discardableResult
        func syncUntilDrained(environment: [String: String] = [:], attempts: Int = 200,
                              sourceLocation: SourceLocation = #_sourceLocation,
                              check: (RunResult) async throws -> Void = { _ in }) async throws -> [RunResult] {
            var failures: [RunResult] = []
            for _ in 0..<attempts {
                let result = try setup.workspace.run(Binaries.agent, ["sync", "--db", setup.agentDB, "--verbose"], environment: environment)
                if result.status == 0 { return failures }
                try await check(result)
                failures.append(result)
            }
            Issue.record("no sync drained in \(attempts) attempts (seed \(seed)): \(failures.last?.stderr ?? "")",
                         sourceLocation: sourceLocation)
            return failures
        }

        /// The audit of this node's changes at the hub.
        func audit() async throws -> [AuditEntry] {
            try await HubStore(path: setup.hubDB, create: false).audit(commune: "long-dong").filter { $0.node.hasPrefix("n-") }
        }

        /// Outbox entries the agent no longer holds as pending: acknowledged or refused.
        func settled() async throws -> Int {
            written - (try await AgentStore(path: setup.agentDB, create: false).agentSyncState().pending)
        }

        /// Every change written reached the hub exactly once (`rejected` of them refused), the
        /// outbox is empty, and the agent holds what the hub holds.
        @discardableResult
        func checkExactlyOnce(rejected: Int = 0, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [AuditEntry] {
            let audit = try await self.audit()
            let firstTimes = audit.filter { $0.outcome != .duplicate }
            #expect(firstTimes.count == written, "seed \(seed)", sourceLocation: sourceLocation)
            let missing = Set(1...Int64(written)).subtracting(firstTimes.compactMap(\.seq))
            #expect(missing.isEmpty, "\(missing.count) changes never reached the hub, from \(missing.min() ?? 0) (seed \(seed))",
                    sourceLocation: sourceLocation)
            #expect(firstTimes.filter { $0.outcome == .rejected }.count == rejected, "seed \(seed)", sourceLocation: sourceLocation)
            let agent = try AgentStore(path: setup.agentDB, create: false)
            let hub = try HubStore(path: setup.hubDB, create: false)
            #expect(try await agent.agentSyncState().pending == 0, "seed \(seed)", sourceLocation: sourceLocation)
            for task in 1...5 {
                let record = "long-dong/4.\(task)"
                #expect(try await agent.fields(of: .progress, record: record) == hub.fields(of: .progress, record: record),
                        "seed \(seed)", sourceLocation: sourceLocation)
            }
            return audit
        }

        /// Writes and syncs rounds until `struck` holds (and at least `iterations` rounds).
        @discardableResult
        func rounds(of count: Int, environment: [String: String] = [:], until struck: () async throws -> Bool,
                    sourceLocation: SourceLocation = #_sourceLocation,
                    check: (RunResult) async throws -> Void = { _ in }) async throws -> [RunResult] {
            var failures: [RunResult] = []
            for round in 1...(NetworkFaultTests.iterations + NetworkFaultTests.spareRounds) {
                try await write(count)
                failures += try await syncUntilDrained(environment: environment, sourceLocation: sourceLocation, check: check)
                if round >= NetworkFaultTests.iterations, try await struck() { break }
            }
            #expect(try await struck(), "the fault never struck (seed \(seed)): \(proxy.stderr)", sourceLocation: sourceLocation)
            return failures
        }
    }

    @Test("connections cut at random bytes of the request or of the reply, replies delayed: repeated syncs converge, exactly once")
    func cuts() async throws {
        let line = try Line(["--cut-probability", "0.5", "--delay-ms", "300"])
        let failures = try await line.rounds(of: 600) {
            line.proxy.faults("cut", "direction=request") > 0 && line.proxy.faults("cut", "direction=reply") > 0
        }
        for failure in failures {
            #expect(failure.status == 69, "a cut is the network's failure, worth retrying: \(failure.stderr)")
            #expect(failure.stderr.contains("Không kết nối được máy chủ huyện"))
        }
        try await line.checkExactlyOnce()
    }

    @Test("the hub's reply dropped after it committed: the retry is a duplicate, applied once")
    func droppedReplies() async throws {
        let line = try Line(["--drop-reply-probability", "0.5"])
        try await line.rounds(of: 600) {
            guard line.proxy.faults("drop_reply") > 0 else { return false }
            return try await line.audit().contains { $0.outcome == .duplicate }
        }
        try await line.checkExactlyOnce()
    }

    @Test("a request or a reply stalled at 10 B/s: the agent gives up on the low-speed limit and retries")
    func stalls() async throws {
        let line = try Line(["--stall-probability", "0.5"])
        // libcurl judges the speed over its last five seconds, so a fast start hides a stall
        // for a while: small rounds and a higher floor make each stall cost seconds, not ten.
        let limits = ["AGENT_HTTP_LOW_SPEED_TIME": "1", "AGENT_HTTP_LOW_SPEED_LIMIT": "500"]
        let failures = try await line.rounds(of: 50, environment: limits) {
            line.proxy.faults("stall", "direction=request") > 0 && line.proxy.faults("stall", "direction=reply") > 0
        }
        #expect(failures.contains { $0.stderr.contains("too slow") }, "seed \(line.seed)")
        try await line.checkExactlyOnce()
    }

    @Test("a front proxy's HTML 413: the agent halves its batch until it passes, within one sync")
    func tooLarge() async throws {
        let line = try Line(["--max-body-bytes", "1500"])
        try await line.write(1_500 * NetworkFaultTests.iterations)
        let sync = try line.setup.workspace.run(Binaries.agent, ["sync", "--db", line.setup.agentDB, "--verbose"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(line.proxy.faults("too_large") > 0)
        #expect(sync.stderr.contains("sync.batch.split"))
        try await line.checkExactlyOnce()
    }

    @Test("the agent keeps its connection between exchanges: one handshake for several syncs on a shaped link")
    func connectionKept() async throws {
        let line = try Line(["--rtt-ms", "20"])
        let agent = try DaemonProcess(workspace: line.setup.workspace, binary: Binaries.agent,
                                      arguments: ["run", "--db", line.setup.agentDB, "--web", "127.0.0.1:0"],
                                      environment: ["AGENT_SYNC_INTERVAL": "60", "AGENT_SYNC_AFTER_WRITE": "0.1"])
        for round in 1...3 {
            try await line.write(1)
            try await waitUntil(timeout: 60) { try await line.settled() == round }
        }
        #expect(agent.stop() == 0)
        let accepted = line.proxy.stderr.split(separator: "\n").filter { $0.hasSuffix(" accepted") }.count
        #expect(accepted == 1, "\(line.proxy.stderr)")
        try await line.checkExactlyOnce()
    }

    @Test("429 and 503 from a front proxy are read by their status: try again later (exit 69), the officer reads that the hub is busy")
    func busyRefusalsByStatus() async throws {
        let line = try Line(["--inject", "429,503", "--inject-probability", "1"])
        try await line.write(10)
        for _ in 0..<2 {
            let sync = try line.setup.workspace.run(Binaries.agent, ["sync", "--db", line.setup.agentDB])
            #expect(sync.status == 69, "\(sync.stderr)")
            #expect(sync.stderr.contains("Máy chủ huyện đang bận"))
        }
        #expect(try await line.settled() == 0)
    }

    @Test("429 and 503 with Retry-After and 500, before or after the hub committed: the daemon backs off as asked and converges")
    func busyHubAndDaemon() async throws {
        let line = try Line(["--inject", "429,503,500", "--inject-probability", "0.6", "--retry-after", "1"])
        try await line.write(1_000 * NetworkFaultTests.iterations)
        let agent = try DaemonProcess(workspace: line.setup.workspace, binary: Binaries.agent,
                                      arguments: ["run", "--db", line.setup.agentDB, "--web", "127.0.0.1:0"], environment: [
                                          "AGENT_SYNC_INTERVAL": "1", "AGENT_SYNC_AFTER_WRITE": "0.1",
                                          "AGENT_BACKOFF_INITIAL": "0.1", "AGENT_BACKOFF_MAX": "2",
                                      ])
        try await waitUntil(timeout: 300) {
            guard ["429", "503", "500"].allSatisfy({ line.proxy.faults("inject", "reply=\($0) ") > 0 }) else { return false }
            return try await line.settled() == line.written
        }
        #expect(agent.stop() == 0)
        let failed = agent.stderr.split(separator: "\n").filter { $0.contains("sync.failed") }
        let busy = failed.filter { $0.contains("error.code=slow_down") || $0.contains("error.code=draining") }
        #expect(failed.contains { $0.contains("error.code=slow_down") }, "seed \(line.seed)")
        #expect(failed.contains { $0.contains("error.code=draining") }, "seed \(line.seed)")
        #expect(failed.contains { $0.contains("error.code=hub_error") }, "seed \(line.seed)")
        // Never sooner than the Retry-After of 1 s, though the backoff alone starts at 0.1 s.
        for entry in busy {
            let delay = entry.split(separator: " ").first { $0.hasPrefix("sync.retry_in_ms=") }.flatMap { Int($0.dropFirst(17)) }
            #expect((delay ?? 0) >= 1_000, "\(entry)")
        }
        try await line.checkExactlyOnce()
    }

    @Test("an invalid JSON reply, before or after the hub committed: an error, nothing acknowledged wrongly, then success")
    func invalidJSON() async throws {
        let line = try Line(["--inject", "badjson", "--inject-probability", "0.5"])
        let failures = try await line.rounds(of: 600, until: {
            line.proxy.faults("inject", "after_hub=true") > 0 && line.proxy.faults("inject", "after_hub=false") > 0
        }, check: { _ in
            // What the agent let go of, the hub has.
            let settled = try await line.settled()
            let atHub = try await Set(line.audit().compactMap(\.seq)).count
            #expect(settled <= atHub, "seed \(line.seed)")
        })
        for failure in failures {
            #expect(failure.stderr.contains("not a valid sync response"), "\(failure.stderr)")
        }
        try await line.checkExactlyOnce()
    }

    @Test("a change the hub refuses does not hold back the others, through cuts and lost replies, and the operator sees it")
    func refusedChange() async throws {
        let line = try Line(["--cut-probability", "0.3", "--drop-reply-probability", "0.3"])
        try await line.write(400)
        // Written offline while task 3.1 was still the commune's, say: the hub no longer takes it.
        try await line.write(1) { _ in "long-dong/3.1" }
        try await line.write(100)
        try await line.syncUntilDrained()
        let audit = try await line.checkExactlyOnce(rejected: 1)
        let refused = audit.first { $0.outcome == .rejected }
        #expect(refused?.record == "long-dong/3.1")
        #expect(refused?.seq == 401)

        let status = try #require(try line.setup.workspace.json(Binaries.agent, ["status", "--db", line.setup.agentDB, "--json"]) as? [String: Any])
        #expect(status["rejected"] as? Int == 1)
        #expect(status["pending"] as? Int == 0)
        let rejections = try #require(status["rejections"] as? [[String: Any]])
        #expect(rejections.count == 1)
        #expect(rejections.first?["record"] as? String == "long-dong/3.1")
        #expect(rejections.first?["code"] as? String == "unknown_task")
        let text = try line.setup.workspace.succeed(Binaries.agent, ["status", "--db", line.setup.agentDB])
        #expect(text.contains("Thay đổi bị huyện từ chối: 1"))
        #expect(text.contains("Nhiệm vụ 3.1"))
        #expect(text.contains("không được giao cho xã"))

        // The officer's screen shows it too, on every page and in the history.
        let agent = try DaemonProcess(workspace: line.setup.workspace, binary: Binaries.agent,
                                      arguments: ["run", "--db", line.setup.agentDB, "--web", "127.0.0.1:0"],
                                      environment: ["AGENT_SYNC_INTERVAL": "3600"])
        var port = 0
        try await waitUntil {
            let first = ((try? String(contentsOfFile: agent.stdoutPath, encoding: .utf8)) ?? "")
                .split(separator: "\n").first { $0.contains("screen on") }
            port = first.flatMap { Int($0.split(separator: ":").last ?? "") } ?? 0
            return port != 0
        }
        let browser = Browser(port: port)
        #expect(try browser.get("/").status == 200)
        #expect(browser.lastPage.contains("Bị huyện từ chối: 1 thay đổi"))
        #expect(try browser.get("/history").status == 200)
        #expect(browser.lastPage.contains("Huyện từ chối"))
        #expect(browser.lastPage.contains("không được giao cho xã"))
        #expect(agent.stop() == 0)
    }
}
