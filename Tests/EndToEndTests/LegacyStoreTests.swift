import Foundation
import SyncCore
import Testing

/// Stores made by the binaries before the store split (`Tests/Fixtures/stores-b97d3c2`) open
/// and migrate in place with today's binaries and answer every command as they did.
@Suite("Stores made before the split", .serialized)
struct LegacyStoreTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/stores-b97d3c2")

    let workspace: Workspace
    let hubDB: String
    let agentDB: String

    init() throws {
        workspace = try Workspace()
        hubDB = workspace.path("hub.sqlite")
        agentDB = workspace.path("agent.sqlite")
        try FileManager.default.copyItem(atPath: Self.fixture("hub.sqlite"), toPath: hubDB)
        try FileManager.default.copyItem(atPath: Self.fixture("agent.sqlite"), toPath: agentDB)
    }

    static func fixture(_ name: String) -> String {
        fixtures.appendingPathComponent(name).path
    }

    /// The JSON a command printed then, parsed, against what it prints now; `timeDependent`
    /// keys aside (a node's `silent` turns 1 a day after its last sync, and the fixture's was
    /// on 2 December 2026).
    private func expectSameJSON(_ binary: String, _ arguments: [String], as recorded: String, timeDependent: Set<String> = [],
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let now = try workspace.json(binary, arguments)
        let then = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.fixture(recorded))))
        #expect(answersAsBefore(without(timeDependent, now), without(timeDependent, then)),
                "\(arguments.joined(separator: " ")) differs from \(recorded)", sourceLocation: sourceLocation)
    }

    /// The text a command printed then against what it prints now, day counts aside: "quá hạn
    /// 1313 ngày" (days late) grows by one every day, in Vietnam's time.
    private func expectSameText(_ binary: String, _ arguments: [String], as recorded: String,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        func dayCountsAside(_ text: String) -> String {
            text.replacingOccurrences(of: #"(quá hạn|còn) \d+ ngày"#, with: "$1 N ngày", options: .regularExpression)
        }
        let now = try workspace.succeed(binary, arguments)
        let then = try String(contentsOfFile: Self.fixture(recorded), encoding: .utf8)
        #expect(dayCountsAside(now) == dayCountsAside(then), sourceLocation: sourceLocation)
    }

    @Test("the hub's store answers status, audit and nodes as before, and keeps no outbox")
    func hubStore() async throws {
        try expectSameJSON(Binaries.hub, ["status", "--db", hubDB, "--json"], as: "hub-status.json")
        try expectSameText(Binaries.hub, ["status", "--db", hubDB, "--commune", "long-dong"], as: "hub-status-long-dong.txt")
        try expectSameJSON(Binaries.hub, ["audit", "--db", hubDB, "--json"], as: "hub-audit.json")
        try expectSameJSON(Binaries.hub, ["nodes", "--db", hubDB, "--json"], as: "hub-nodes.json", timeDependent: ["silent"])
        let tables = try await HubStore(path: hubDB, create: false).tableNames()
        #expect(tables.isSuperset(of: ["meta", "clock", "fields", "nodes", "hub_log", "audit", "users", "sessions"]))
        #expect(!tables.contains("outbox"))
    }

    @Test("the agent's store answers status and tasks as before, and drops the hub's empty tables")
    func agentStore() async throws {
        try expectSameJSON(Binaries.agent, ["status", "--db", agentDB, "--json"], as: "agent-status.json")
        try expectSameText(Binaries.agent, ["status", "--db", agentDB], as: "agent-status.txt")
        try expectSameJSON(Binaries.agent, ["tasks", "--db", agentDB, "--json"], as: "agent-tasks.json")
        try expectSameText(Binaries.agent, ["tasks", "--db", agentDB], as: "agent-tasks.txt")
        let tables = try await AgentStore(path: agentDB, create: false).tableNames()
        #expect(tables == ["grdb_migrations", "meta", "clock", "fields", "outbox", "uploads"])
    }

    @Test("the migrated agent still syncs with the migrated hub")
    func migratedPairSyncs() throws {
        let hub = try HubProcess(workspace: workspace, db: hubDB)
        try workspace.succeed(Binaries.agent, ["init", "--db", agentDB, "--hub", hub.url, "--commune", "long-dong",
                                               "--token-file", Self.fixture("agent.token")])
        try workspace.succeed(Binaries.agent, ["progress", "4.2", "--db", agentDB, "--status", "in_progress", "--percent", "30",
                                               "--note", "Sau khi nâng cấp", "--by", "Nguyễn Văn An"])
        try workspace.succeed(Binaries.agent, ["sync", "--db", agentDB])
        #expect(hub.stop() == 0)
        let status = try #require(try workspace.json(Binaries.hub, ["status", "--db", hubDB, "--commune", "long-dong", "--json"])
            as? [String: Any])
        let communes = try #require(status["communes"] as? [[String: Any]])
        let progress = try #require(communes.first?["progress"] as? [String: [String: Any]])
        #expect(progress["4.2"]?["note"] as? String == "Sau khi nâng cấp")
        #expect(progress["4.2"]?["percent"] as? Int == 30)
    }

    @Test("each program refuses the other's store, which then answers as before")
    func roleRefused() throws {
        let refusedByAgent = try workspace.run(Binaries.agent, ["status", "--db", hubDB])
        #expect(refusedByAgent.status != 0)
        #expect(refusedByAgent.stderr.contains("district hub"), "\(refusedByAgent.stderr)")
        let refusedByHub = try workspace.run(Binaries.hub, ["status", "--db", agentDB])
        #expect(refusedByHub.status != 0)
        #expect(refusedByHub.stderr.contains("commune agent"), "\(refusedByHub.stderr)")
        // The refusal rolled back whole: each store still has its data and its tables.
        try expectSameJSON(Binaries.hub, ["audit", "--db", hubDB, "--json"], as: "hub-audit.json")
        try expectSameJSON(Binaries.agent, ["status", "--db", agentDB, "--json"], as: "agent-status.json")
        // Once each has been opened by its own program, the marked role is what refuses.
        #expect(try workspace.run(Binaries.agent, ["status", "--db", hubDB]).stderr.contains("district hub"))
        #expect(try workspace.run(Binaries.hub, ["status", "--db", agentDB]).stderr.contains("commune agent"))
    }
}

/// Whether a parsed JSON value answers as the recorded one did: every key recorded, with the same
/// value (keys added since are extensions, which the interfaces allow), arrays in the same order,
/// the same scalars.
/// `json` with `keys` left out of every object in it.
private func without(_ keys: Set<String>, _ json: Any) -> Any {
    switch json {
    case let object as [String: Any]: object.filter { !keys.contains($0.key) }.mapValues { without(keys, $0) }
    case let array as [Any]: array.map { without(keys, $0) }
    default: json
    }
}

private func answersAsBefore(_ lhs: Any, _ rhs: Any) -> Bool {
    switch (lhs, rhs) {
    case let (lhs as [String: Any], rhs as [String: Any]):
        return rhs.allSatisfy { key, value in lhs[key].map { answersAsBefore($0, value) } ?? false }
    case let (lhs as [Any], rhs as [Any]):
        return lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { answersAsBefore($0, $1) }
    case let (lhs as String, rhs as String):
        return lhs == rhs
    case let (lhs as NSNumber, rhs as NSNumber):
        return lhs == rhs
    case (is NSNull, is NSNull):
        return true
    default:
        return false
    }
}
