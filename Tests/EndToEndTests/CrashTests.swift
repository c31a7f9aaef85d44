import Foundation
import SyncCore
import Testing

/// kill -9 at random points of syncs, on the agent and on the hub: afterwards every change is
/// at the hub exactly once, the stores pass integrity_check, and the next sync drains.
/// `CRASH_ITERATIONS` sets how many kills (scripts/crash-suite runs hundreds).
@Suite("Crashes", .serialized)
struct CrashTests {
    static let iterations = ProcessInfo.processInfo.environment["CRASH_ITERATIONS"].flatMap(Int.init) ?? 4

    /// Writes a backlog straight into the agent's store, as the officer's CLI would.
    func writeBacklog(_ setup: DaemonTests.Setup, count: Int, from start: Int) async throws {
        let store = try AgentStore(path: setup.agentDB, create: false)
        let node = try await store.agentIdentity().node
        for index in start..<(start + count) {
            try await store.record([FieldWrite(collection: "progress", record: "long-dong/4.\(index % 5 + 1)", field: "note",
                                               value: .text("ghi chú \(index)"))], actor: "Nguyễn Văn An", node: node)
        }
    }

    func kill9(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func checkExactlyOnce(_ setup: DaemonTests.Setup, expected: Int) async throws {
        let hub = try HubStore(path: setup.hubDB, create: false)
        #expect(try await hub.integrityCheck() == "ok")
        #expect(try await AgentStore(path: setup.agentDB, create: false).integrityCheck() == "ok")
        let firstTimes = try await hub.audit().filter { $0.node.hasPrefix("n-") && $0.outcome != .duplicate }
        #expect(firstTimes.count == expected)
        #expect(Set(firstTimes.compactMap(\.seq)).count == expected)
        #expect(try await AgentStore(path: setup.agentDB, create: false).agentSyncState().pending == 0)
    }

    @Test("the agent killed mid-sync, again and again")
    func agentKilled() async throws {
        let setup = try DaemonTests.Setup()
        let hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB)
        try setup.initAgent(hub: hub)
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        var written = 0
        var random = SystemRandomNumberGenerator()
        for _ in 0..<Self.iterations {
            try await writeBacklog(setup, count: 1_500, from: written)
            written += 1_500
            let agent = try DaemonProcess(workspace: setup.workspace, binary: Binaries.agent,
                                          arguments: ["run", "--db", setup.agentDB, "--web", "127.0.0.1:0"])
            try await Task.sleep(for: .seconds(Double.random(in: 0.05...0.8, using: &random)))
            kill9(agent.process)
        }
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        #expect(hub.stop() == 0)
        try await checkExactlyOnce(setup, expected: written)
    }

    @Test("the hub killed mid-merge, again and again")
    func hubKilled() async throws {
        let setup = try DaemonTests.Setup()
        var hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB)
        let port = hub.port
        try setup.initAgent(hub: hub)
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        var written = 0
        var random = SystemRandomNumberGenerator()
        for _ in 0..<Self.iterations {
            try await writeBacklog(setup, count: 1_500, from: written)
            written += 1_500
            let sync = Process()
            sync.executableURL = URL(fileURLWithPath: Binaries.agent)
            sync.arguments = ["sync", "--db", setup.agentDB]
            sync.standardOutput = FileHandle.nullDevice
            sync.standardError = FileHandle.nullDevice
            try sync.run()
            try await Task.sleep(for: .seconds(Double.random(in: 0.05...0.6, using: &random)))
            kill9(hub.process)
            sync.waitUntilExit()
            hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB, port: port)
        }
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        #expect(hub.stop() == 0)
        try await checkExactlyOnce(setup, expected: written)
    }
}
