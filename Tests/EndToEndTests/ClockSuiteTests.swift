import Foundation
import SyncCore
import TestSupport
import Testing

private let year: Int64 = 365 * 86_400_000
/// The hub's default `clock.maxDrift`, in milliseconds.
private let maxDrift: Int64 = 2_000

/// Wrong clocks on the real binaries (through the clock file, see `FakeClock`): clocks that jump
/// and strobe while the daemons sync, one three years ahead, one reset to the year 2000 and
/// restarted, a hub frozen for more than 2^16 events. After each: every node's stamps rise with
/// its sequence numbers in the hub's audit, the hub's clock is never ahead of real time by more
/// than `maxDrift`, every agent holds exactly the hub's fields for its commune, and the outcome
/// README's "Clocks" promises holds. `CLOCK_ITERATIONS` and `CLOCK_FROZEN_EVENTS` set the
/// lengths (`scripts/clock-suite` runs them long).
@Suite("Clocks with the real binaries", .serialized)
struct ClockSuiteTests {
    static let iterations = ProcessInfo.processInfo.environment["CLOCK_ITERATIONS"].flatMap(Int.init) ?? 30
    static let frozenEvents = ProcessInfo.processInfo.environment["CLOCK_FROZEN_EVENTS"].flatMap(Int.init) ?? 3_000

    @Test("clocks that jump and strobe, from milliseconds to minutes, while the daemons sync")
    func jumpsAndStrobes() async throws {
        let district = try ClockDistrict(nodes: [("desk", "long-dong"), ("laptop", "long-dong"), ("other", "bac-quynh")])
        let hub = try HubProcess(workspace: district.workspace, db: district.hubDB)
        for agent in district.agents {
            try agent.initialise(hub: hub)
            try agent.cli(["sync", "--db", agent.db])
        }
        let daemons = try district.agents.map { agent in
            try DaemonProcess(workspace: district.workspace, binary: Binaries.agent,
                              arguments: ["run", "--db", agent.db, "--web", "127.0.0.1:0"],
                              environment: agent.clock.environment.merging([
                                  "AGENT_SYNC_INTERVAL": "1", "AGENT_SYNC_AFTER_WRITE": "0.1", "AGENT_BACKOFF_INITIAL": "1",
                              ]) { _, new in new })
        }
        let strobe = Strobe(clocks: district.agents.map(\.clock))
        strobe.start()
        var highWater: [HLC] = []
        for agent in district.agents { highWater.append(try await agent.clockHighWater()) }
        var random = SystemRandomNumberGenerator()
        for step in 0..<Self.iterations {
            let index = Int.random(in: 0..<district.agents.count, using: &random)
            let agent = district.agents[index]
            if step % 3 == 2 {
                try agent.cli(["equipment", "printer", "--db", agent.db, "--total", "\(4 + step % 3)", "--working", "\(step % 4)",
                               "--by", "Cán bộ \(agent.name)"])
            } else {
                try agent.cli(["progress", "4.\(step % 5 + 1)", "--db", agent.db, "--status", "in_progress", "--percent", "\(step % 100)",
                               "--note", "lần \(step) từ \(agent.name)", "--by", "Cán bộ \(agent.name)"])
            }
            let now = try await agent.clockHighWater()
            #expect(now > highWater[index], "the HLC of \(agent.name) went from \(highWater[index]) to \(now)")
            highWater[index] = now
            try await checkHubClock(district)
        }
        strobe.stop()
        // The daemons drain what is left under the last clocks the strobe set, then stop.
        try await waitUntil(timeout: 60) {
            for agent in district.agents where try await agent.pending() != 0 { return false }
            return true
        }
        for daemon in daemons { #expect(daemon.stop() == 0) }
        for agent in district.agents { try agent.cli(["sync", "--db", agent.db]) }
        try await checkInvariants(district)
        #expect(hub.stop() == 0)
    }

    @Test("a node three years ahead neither drags the hub's clock nor wins every later conflict")
    func threeYearsAhead() async throws {
        let district = try ClockDistrict(nodes: [("fast", "long-dong"), ("honest", "long-dong")])
        let fast = district.agents[0], honest = district.agents[1]
        fast.clock.set(offsetMillis: 3 * year)
        let hub = try HubProcess(workspace: district.workspace, db: district.hubDB)
        for agent in district.agents { try agent.initialise(hub: hub) }
        try honest.cli(["sync", "--db", honest.db])

        // Before its first contact the fast PC stamps three years ahead; the honest one writes later.
        try fast.cli(["equipment", "computer", "--db", fast.db, "--total", "5", "--working", "1", "--by", "Máy nhanh"])
        try await Task.sleep(for: .seconds(0.01))
        try honest.cli(["equipment", "computer", "--db", honest.db, "--total", "5", "--working", "2", "--by", "Máy đúng giờ"])
        try honest.cli(["sync", "--db", honest.db])
        try fast.cli(["sync", "--db", fast.db])
        // The hub re-stamped the fast PC's writes at arrival: they order by when they reached it.
        #expect(try await district.hubField("equipment", "long-dong/computer", "working") == .int(1))
        let fastAudit = try await district.hub().audit().filter { $0.node == fast.node && $0.seq != nil }
        #expect(!fastAudit.isEmpty && fastAudit.allSatisfy { $0.appliedHlc != nil && $0.appliedHlc != $0.hlc })
        try await checkHubClock(district)
        let status = try #require(try district.workspace.json(Binaries.agent, ["status", "--db", fast.db, "--json"]) as? [String: Any])
        #expect((status["clockOffsetMs"] as? Int).map { Int64($0) < -2 * year } == true)
        #expect((status["clockWarning"] as? String)?.contains("Hãy chỉnh lại ngày giờ") == true, "\(status)")

        // It does not win later conflicts: the honest PC's later check wins, and so on in turn.
        for round in 0..<3 {
            try honest.cli(["equipment", "computer", "--db", honest.db, "--total", "5", "--working", "\(2 + round)", "--by", "Máy đúng giờ"])
            try honest.cli(["sync", "--db", honest.db])
            try fast.cli(["sync", "--db", fast.db])
            #expect(try await district.hubField("equipment", "long-dong/computer", "working") == .int(Int64(2 + round)))
            #expect(try await fast.field("equipment", "long-dong/computer", "working") == .int(Int64(2 + round)))
            try fast.cli(["equipment", "computer", "--db", fast.db, "--total", "5", "--working", "\(round)", "--by", "Máy nhanh"])
            try fast.cli(["sync", "--db", fast.db])
            try honest.cli(["sync", "--db", honest.db])
            #expect(try await honest.field("equipment", "long-dong/computer", "working") == .int(Int64(round)))
        }
        try await checkInvariants(district)
        #expect(hub.stop() == 0)
    }

    @Test("a node reset to the year 2000 and restarted keeps its clock monotonic and wins once it has talked to the hub")
    func resetToYear2000() async throws {
        let district = try ClockDistrict(nodes: [("reset", "long-dong"), ("honest", "long-dong")])
        let reset = district.agents[0], honest = district.agents[1]
        let hub = try HubProcess(workspace: district.workspace, db: district.hubDB)
        for agent in district.agents {
            try agent.initialise(hub: hub)
            try agent.cli(["sync", "--db", agent.db])
        }
        try reset.cli(["progress", "4.1", "--db", reset.db, "--status", "in_progress", "--percent", "10", "--by", "Trước khi đặt lại"])
        try reset.cli(["sync", "--db", reset.db])
        try honest.cli(["sync", "--db", honest.db])
        let before = try await reset.clockHighWater()

        // The CMOS battery dies: the PC boots in 2000-01-01 and the daemon restarts.
        let year2000: Int64 = 946_684_800_000
        reset.clock.set(offsetMillis: year2000 - realMillis())
        try reset.cli(["progress", "4.2", "--db", reset.db, "--status", "in_progress", "--percent", "20", "--by", "Máy năm 2000"])
        #expect(try await reset.clockHighWater() > before)
        let daemon = try DaemonProcess(workspace: district.workspace, binary: Binaries.agent,
                                       arguments: ["run", "--db", reset.db, "--web", "127.0.0.1:0"],
                                       environment: reset.clock.environment.merging(["AGENT_SYNC_INTERVAL": "3600"]) { _, new in new })
        try await waitUntil {
            guard try await reset.pending() == 0 else { return false }
            return try await (reset.clockOffset() ?? 0) > 25 * year
        }
        #expect(daemon.stop() == 0)

        // The honest PC reports, then the reset one reports later: the later report wins.
        try honest.cli(["progress", "4.1", "--db", honest.db, "--status", "blocked", "--note", "Chờ kinh phí", "--by", "Máy đúng giờ"])
        try honest.cli(["sync", "--db", honest.db])
        try await Task.sleep(for: .seconds(0.01))
        try reset.cli(["progress", "4.1", "--db", reset.db, "--status", "done", "--by", "Máy năm 2000"])
        try reset.cli(["sync", "--db", reset.db])
        try honest.cli(["sync", "--db", honest.db])
        #expect(try await district.hubField("progress", "long-dong/4.1", "status") == .text("done"))
        #expect(try await honest.field("progress", "long-dong/4.1", "status") == .text("done"))
        #expect(try await reset.clockHighWater() > before)
        try await checkInvariants(district)
        #expect(hub.stop() == 0)
    }

    @Test("a hub whose clock stands still for more than 2^16 events keeps a total order")
    func frozenHub() async throws {
        let district = try ClockDistrict(nodes: [("desk", "long-dong")])
        let agent = district.agents[0]
        // Both clocks stand still, the agent's a minute ahead of the hub's: once it has measured
        // the offset, every stamp on either side has the same wall and only the counter moves.
        let frozenAt = realMillis()
        let hubClock = FakeClock(workspace: district.workspace, name: "hub")
        hubClock.freeze(atMillis: frozenAt)
        agent.clock.freeze(atMillis: frozenAt + 60_000)
        let hub = try HubProcess(workspace: district.workspace, db: district.hubDB, environment: hubClock.environment)
        try agent.initialise(hub: hub)
        try agent.cli(["sync", "--db", agent.db])

        // A backlog written straight into the store, as the officer's CLI would: ten fields a
        // write (a note and an evidence on each of the five tasks), each write one tick.
        do {
            let frozen = ManualClock(millis: frozenAt + 60_000)
            let store = try AgentStore(path: agent.db, clock: HybridLogicalClock(physical: frozen.physical), create: false)
            var written = 0
            while written < Self.frozenEvents {
                let writes = (1...5).flatMap { task in
                    ["note", "evidence"].map { field in
                        FieldWrite(collection: "progress", record: "long-dong/4.\(task)", field: field, value: .text("\(field) \(written)"))
                    }
                }
                try await store.record(writes, actor: "Nguyễn Văn An", node: agent.node)
                written += writes.count
            }
        }
        try agent.cli(["progress", "4.1", "--db", agent.db, "--status", "in_progress", "--note", "cuối cùng", "--by", "Nguyễn Văn An"])
        try agent.cli(["sync", "--db", agent.db])
        let hubClockNow = try await district.hub().clockHighWater()
        #expect(hubClockNow.wall <= frozenAt + maxDrift)
        if Self.frozenEvents > 1 << 16 { #expect(hubClockNow.counter > 1 << 16) }
        // The last write made is the one every replica keeps.
        #expect(try await district.hubField("progress", "long-dong/4.1", "note") == .text("cuối cùng"))
        let applied = try await district.hub().audit().filter { $0.node == agent.node && $0.outcome == .applied }
        #expect(applied.count >= Self.frozenEvents)
        try await checkInvariants(district)
        #expect(hub.stop() == 0)
    }

    /// The hub's clock is never ahead of real time by more than `maxDrift` (the hub runs on the real clock).
    func checkHubClock(_ district: ClockDistrict, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let limit = realMillis() + maxDrift
        #expect(try await district.hub().clockHighWater().wall <= limit, sourceLocation: sourceLocation)
    }

    /// Per-node monotonic stamps in the audit, stamps applied within the drift of their arrival,
    /// and every agent holding exactly the hub's fields and stamps for its commune.
    func checkInvariants(_ district: ClockDistrict, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let hub = try district.hub()
        #expect(try await hub.integrityCheck() == "ok", sourceLocation: sourceLocation)
        try await checkHubClock(district, sourceLocation: sourceLocation)
        let audit = try await hub.audit()
        for entry in audit {
            let applied = try #require(HLC(audit: entry.appliedHlc ?? entry.hlc))
            if entry.appliedHlc != nil {
                #expect(applied.wall <= entry.receivedAtMillis + maxDrift, "\(entry)", sourceLocation: sourceLocation)
            }
        }
        for agent in district.agents {
            let sent = audit.filter { $0.node == agent.node && $0.seq != nil && $0.outcome != .duplicate }.sorted { $0.seq! < $1.seq! }
            let stamps = sent.compactMap { HLC(audit: $0.hlc) }
            #expect(stamps.count == sent.count && !sent.isEmpty, sourceLocation: sourceLocation)
            #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 <= $1 }, "the stamps of \(agent.name) go back", sourceLocation: sourceLocation)
            #expect(try await agent.pending() == 0, sourceLocation: sourceLocation)

            let hubFields = try await hub.allFields()
            let agentFields = try await AgentStore(path: agent.db, create: false).allFields()
            for (key, held) in agentFields {
                #expect(hubFields[key]?.value == held.value && hubFields[key]?.stamp == held.stamp,
                        "\(agent.name) holds \(key) = \(held) unlike the hub", sourceLocation: sourceLocation)
            }
            let communeKeys = hubFields.keys.filter {
                ($0.collection == "progress" || $0.collection == "equipment") && $0.record.hasPrefix(agent.commune + "/")
            }
            let missing = communeKeys.filter { agentFields[$0] == nil }
            #expect(missing.isEmpty, "\(agent.name) lacks \(missing)", sourceLocation: sourceLocation)
        }
    }
}

/// A hub store with the notice's tasks and enrolled nodes, each with its agent store and clock.
struct ClockDistrict {
    let workspace: Workspace
    let hubDB: String
    let agents: [ClockAgent]

    init(nodes: [(name: String, commune: String)]) throws {
        workspace = try Workspace()
        hubDB = workspace.path("hub.sqlite")
        try workspace.succeed(Binaries.hub, ["communes", "import", "--db", hubDB, Binaries.config.appendingPathComponent("communes.json").path])
        try workspace.succeed(Binaries.hub, ["tasks", "import", "--db", hubDB, Binaries.config.appendingPathComponent("tasks.json").path])
        var agents: [ClockAgent] = []
        for (name, commune) in nodes {
            let output = try workspace.succeed(Binaries.hub, ["enroll", "--db", hubDB, "--commune", commune, "--label", name])
            let token = try #require(output.split(separator: "\n").last.map(String.init))
            let tokenFile = workspace.path("\(name).token")
            try token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
            agents.append(ClockAgent(name: name, commune: commune, node: String(token.split(separator: ".")[0]),
                                     db: workspace.path("\(name).sqlite"), tokenFile: tokenFile, workspace: workspace,
                                     clock: FakeClock(workspace: workspace, name: name)))
        }
        self.agents = agents
    }

    func hub() throws -> HubStore { try HubStore(path: hubDB, create: false) }

    func hubField(_ collection: String, _ record: String, _ field: String) async throws -> FieldValue? {
        try await hub().fields(of: RecordCollection(rawValue: collection)!, record: record)[field]
    }
}

/// One commune PC: its store, its token and its (fake) clock, which every command it runs reads.
struct ClockAgent {
    let name: String
    let commune: String
    let node: String
    let db: String
    let tokenFile: String
    let workspace: Workspace
    let clock: FakeClock

    func initialise(hub: HubProcess) throws {
        try cli(["init", "--db", db, "--hub", hub.url, "--commune", commune, "--token-file", tokenFile])
    }

    @discardableResult
    func cli(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try workspace.succeed(Binaries.agent, arguments, environment: clock.environment, sourceLocation: sourceLocation)
    }

    func clockHighWater() async throws -> HLC { try await AgentStore(path: db, create: false).clockHighWater() }
    func pending() async throws -> Int { try await AgentStore(path: db, create: false).agentSyncState().pending }
    func clockOffset() async throws -> Int64? { try await AgentStore(path: db, create: false).agentSyncState().clockOffsetMs }

    func field(_ collection: String, _ record: String, _ field: String) async throws -> FieldValue? {
        try await AgentStore(path: db, create: false).fields(of: RecordCollection(rawValue: collection)!, record: record)[field]
    }
}

/// Moves clocks at random while a test runs: jumps of milliseconds, seconds or minutes, either way.
final class Strobe: @unchecked Sendable {
    private let clocks: [FakeClock]
    private let lock = NSLock()
    private var running = true
    private var thread: Thread?

    init(clocks: [FakeClock]) {
        self.clocks = clocks
    }

    func start() {
        let thread = Thread { [self] in
            var random = SystemRandomNumberGenerator()
            while lock.withLock({ running }) {
                let scale: Int64 = [1, 1_000, 60_000].randomElement(using: &random)!
                let offset = Int64.random(in: -10...10, using: &random) * scale + Int64.random(in: -999...999, using: &random)
                clocks.randomElement(using: &random)!.set(offsetMillis: offset)
                Thread.sleep(forTimeInterval: Double.random(in: 0.005...0.05, using: &random))
            }
        }
        self.thread = thread
        thread.start()
    }

    func stop() {
        lock.withLock { running = false }
        while thread?.isExecuting == true { Thread.sleep(forTimeInterval: 0.01) }
    }
}
