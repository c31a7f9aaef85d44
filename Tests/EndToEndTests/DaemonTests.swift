import Foundation
import SyncCore
import Testing

/// The daemons under the conditions systemd puts them in, with the real binaries.
@Suite("Daemons", .serialized)
struct DaemonTests {
    /// A hub with the notice's tasks and one enrolled long-dong node whose agent store is initialised.
    struct Setup: Sendable {
        let workspace: Workspace
        let hubDB: String
        let agentDB: String
        let tokenFile: String

        init() throws {
            workspace = try Workspace()
            hubDB = workspace.path("hub.sqlite")
            agentDB = workspace.path("agent.sqlite")
            tokenFile = workspace.path("node.token")
            try workspace.succeed(Binaries.hub, ["tasks", "import", "--db", hubDB, Binaries.config.appendingPathComponent("tasks.json").path])
            let enrolled = try workspace.succeed(Binaries.hub, ["enroll", "--db", hubDB, "--commune", "long-dong"])
            try String(enrolled.split(separator: "\n").last!).write(toFile: tokenFile, atomically: true, encoding: .utf8)
        }

        func initAgent(hub: HubProcess) throws {
            try workspace.succeed(Binaries.agent, ["init", "--db", agentDB, "--hub", hub.url, "--commune", "long-dong", "--token-file", tokenFile])
        }
    }

    @Test("the agent daemon tells systemd READY, WATCHDOG and STOPPING, syncs a local write soon, and stops on SIGTERM")
    func agentNotifications() async throws {
        let setup = try Setup()
        let hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB)
        try setup.initAgent(hub: hub)
        let notify = try NotifySocket(abstract: false, directory: setup.workspace.directory)
        let agent = try DaemonProcess(workspace: setup.workspace, binary: Binaries.agent, arguments: ["run", "--db", setup.agentDB], environment: [
            "NOTIFY_SOCKET": notify.address, "WATCHDOG_USEC": "1000000", "AGENT_SYNC_INTERVAL": "3600", "AGENT_SYNC_AFTER_WRITE": "0.2",
        ])
        #expect(notify.wait(for: "READY=1"))
        #expect(notify.wait(for: "WATCHDOG=1"))
        // The first sync at start brings the tasks; a write by the CLI is synced without waiting an hour.
        try await waitUntil { try taskCount(setup) == 5 }
        try setup.workspace.succeed(Binaries.agent, ["progress", "4.1", "--db", setup.agentDB, "--status", "done", "--by", "Nguyễn Văn An"])
        try await waitUntil {
            let status = try setup.workspace.json(Binaries.hub, ["status", "--db", setup.hubDB, "--json"]) as? [String: Any]
            let communes = status?["communes"] as? [[String: Any]] ?? []
            let progress = communes.first { $0["code"] as? String == "long-dong" }?["progress"] as? [String: [String: Any]]
            return progress?["4.1"]?["status"] as? String == "done"
        }
        let started = Date()
        #expect(agent.stop() == 0)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(notify.wait(for: "STOPPING=1", timeout: 2))
        #expect(hub.stop() == 0)
    }

    @Test("notifications never wait for a manager that is not reading: past a full queue they are dropped", .timeLimit(.minutes(1)))
    func notificationsNeverBlock() async throws {
        let workspace = try Workspace()
        let notify = try NotifySocket(abstract: false, directory: workspace.directory, readsContinuously: false)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": notify.address])
        // Linux queues about ten datagrams for a socket nobody reads; a blocking send would hang here.
        let sent = try await runBlocking {
            for _ in 0..<200 { notifier.watchdog() }
            return true
        }
        #expect(sent)
        #expect(notify.wait(for: "WATCHDOG=1", timeout: 2))
    }

    @Test("the hub daemon tells systemd READY once listening, WATCHDOG, STOPPING; logs without timestamps under journald")
    func hubNotifications() throws {
        let setup = try Setup()
        let notify = try NotifySocket(abstract: true, directory: setup.workspace.directory)
        let hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB, environment: [
            "NOTIFY_SOCKET": notify.address, "WATCHDOG_USEC": "1000000", "JOURNAL_STREAM": "8:12345",
        ])
        #expect(notify.wait(for: "READY=1"))
        #expect(notify.messages.contains { $0.contains("STATUS=listening on 127.0.0.1:\(hub.port)") })
        #expect(notify.wait(for: "WATCHDOG=1"))
        #expect(hub.stop() == 0)
        #expect(notify.wait(for: "STOPPING=1", timeout: 2))
        let firstLine = try #require(hub.stderr.split(separator: "\n").first)
        #expect(firstLine.hasPrefix("info district-hub: "))
        #expect(firstLine.contains("store.synchronous=2"))
    }

    @Test("SIGTERM in the middle of a long sync loses nothing and duplicates nothing")
    func sigtermMidSync() async throws {
        let setup = try Setup()
        let hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB)
        try setup.initAgent(hub: hub)
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        // A long backlog, written straight into the agent's store as the officer's CLI would.
        let backlog = 6_000
        do {
            let store = try AgentStore(path: setup.agentDB)
            let node = try await store.agentIdentity().node
            for index in 0..<backlog {
                try await store.record([FieldWrite(collection: "progress", record: "long-dong/4.\(index % 5 + 1)", field: "note",
                                                   value: .text("ghi chú \(index)"))], actor: "Nguyễn Văn An", node: node)
            }
        }
        let agent = try DaemonProcess(workspace: setup.workspace, binary: Binaries.agent, arguments: ["run", "--db", setup.agentDB])
        try await waitUntil(timeout: 30) { try auditCount(setup) > 0 }
        let started = Date()
        #expect(agent.stop() == 0)
        #expect(Date().timeIntervalSince(started) < 10)

        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        let audit = try #require(try setup.workspace.json(Binaries.hub, ["audit", "--db", setup.hubDB, "--json"]) as? [[String: Any]])
        let fromNode = audit.filter { ($0["node"] as? String)?.hasPrefix("n-") == true }
        let firstTimes = fromNode.filter { $0["outcome"] as? String != "duplicate" }
        #expect(firstTimes.count == backlog)
        #expect(Set(firstTimes.compactMap { $0["seq"] as? Int }).count == backlog)
        let status = try #require(try setup.workspace.json(Binaries.agent, ["status", "--db", setup.agentDB, "--json"]) as? [String: Any])
        #expect(status["pending"] as? Int == 0)
        #expect(hub.stop() == 0)
    }

    @Test("an invalid configuration stops the daemons at start, naming the key (exit 78)")
    func invalidConfiguration() throws {
        let setup = try Setup()
        let badEnvironment = try setup.workspace.run(Binaries.agent, ["run", "--db", setup.agentDB], environment: ["AGENT_SYNC_INTERVAL": "soon"])
        #expect(badEnvironment.status == 78)
        #expect(badEnvironment.stderr.contains("AGENT_SYNC_INTERVAL"))
        let file = setup.workspace.path("agent.json")
        try #"{"sync": {"interval": -5}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let badFile = try setup.workspace.run(Binaries.agent, ["run", "--db", setup.agentDB, "--config", file])
        #expect(badFile.status == 78)
        #expect(badFile.stderr.contains("sync.interval"))
        let missing = try setup.workspace.run(Binaries.agent, ["run", "--db", setup.agentDB, "--config", setup.workspace.path("none.json")])
        #expect(missing.status == 78)
        let badHub = try setup.workspace.run(Binaries.hub, ["serve", "--db", setup.hubDB], environment: ["HUB_LISTEN": "everywhere"])
        #expect(badHub.status == 78)
        #expect(badHub.stderr.contains("listen"))
        let badDrift = try setup.workspace.run(Binaries.hub, ["serve", "--db", setup.hubDB], environment: ["HUB_CLOCK_MAX_DRIFT": "0"])
        #expect(badDrift.status == 78)
        #expect(badDrift.stderr.contains("clock.maxDrift"))
        // With nowhere to write why (stderr on a full device), they still exit 78 rather than trap.
        let speechlessHub = try setup.workspace.run(Binaries.hub, ["serve", "--db", setup.hubDB], environment: ["HUB_LISTEN": "everywhere"],
                                                    standardError: "/dev/full")
        #expect(speechlessHub.status == 78)
        let speechlessAgent = try setup.workspace.run(Binaries.agent, ["run", "--db", setup.agentDB], environment: ["AGENT_SYNC_INTERVAL": "soon"],
                                                      standardError: "/dev/full")
        #expect(speechlessAgent.status == 78)
    }

    @Test("a daemon configured by its file and credential needs no init")
    func configuredByFile() async throws {
        let setup = try Setup()
        let hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB)
        let credentials = setup.workspace.directory.appendingPathComponent("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: setup.tokenFile, toPath: credentials.appendingPathComponent("node-token").path)
        let config = setup.workspace.path("agent.json")
        try #"{"hub": {"url": "\#(hub.url)"}, "commune": "long-dong", "sync": {"interval": 3600}}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        let agent = try DaemonProcess(workspace: setup.workspace, binary: Binaries.agent, arguments: ["run", "--db", setup.agentDB, "--config", config],
                                      environment: ["CREDENTIALS_DIRECTORY": credentials.path])
        try await waitUntil { try taskCount(setup) == 5 }
        #expect(agent.stop() == 0)
        #expect(hub.stop() == 0)
    }

    @Test("a damaged store is refused at start (exit 65) by both daemons")
    func damagedStore() throws {
        let setup = try Setup()
        let garbage = setup.workspace.path("garbage.sqlite")
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: garbage))
        let agent = try setup.workspace.run(Binaries.agent, ["run", "--db", garbage])
        #expect(agent.status == 65)
        #expect(agent.stderr.contains("damaged"))
        let hub = try setup.workspace.run(Binaries.hub, ["serve", "--db", garbage, "--listen", "127.0.0.1:0"])
        #expect(hub.status == 65)

        // A real store whose pages were overwritten: it opens, but quick_check fails.
        let corrupt = setup.workspace.path("corrupt.sqlite")
        try FileManager.default.copyItem(atPath: setup.hubDB, toPath: corrupt)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: corrupt))
        try handle.seek(toOffset: 4096 * 2 + 100)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 4096 * 3))
        try handle.close()
        let refused = try setup.workspace.run(Binaries.hub, ["serve", "--db", corrupt, "--listen", "127.0.0.1:0"])
        #expect(refused.status == 65)
    }

    @Test("a backup taken while the hub takes writes passes integrity_check and holds the data")
    func backupUnderLoad() async throws {
        let setup = try Setup()
        let hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB)
        try setup.initAgent(hub: hub)
        let writer = Thread {
            // The agent keeps writing and syncing while the backup runs.
            for index in 0..<30 {
                _ = try? setup.workspace.run(Binaries.agent, ["progress", "4.1", "--db", setup.agentDB, "--status", "in_progress",
                                                              "--percent", "\(index)", "--by", "A"])
                _ = try? setup.workspace.run(Binaries.agent, ["sync", "--db", setup.agentDB])
            }
        }
        writer.start()
        try await Task.sleep(for: .seconds(0.5))
        for index in 0..<3 {
            let copy = setup.workspace.path("hub-backup-\(index).sqlite")
            try setup.workspace.succeed(Binaries.hub, ["backup", "--db", setup.hubDB, "--to", copy])
            let restored = try HubStore(path: copy)
            #expect(try await restored.integrityCheck() == "ok")
            #expect(try await restored.tasks().count == 15)
            let agentCopy = setup.workspace.path("agent-backup-\(index).sqlite")
            try setup.workspace.succeed(Binaries.agent, ["backup", "--db", setup.agentDB, "--to", agentCopy])
            #expect(try await AgentStore(path: agentCopy).integrityCheck() == "ok")
        }
        let again = try setup.workspace.run(Binaries.hub, ["backup", "--db", setup.hubDB, "--to", setup.workspace.path("hub-backup-0.sqlite")])
        #expect(again.status != 0)
        while writer.isExecuting { try await Task.sleep(for: .seconds(0.1)) }
        #expect(hub.stop() == 0)
    }

    @Test("nodes lists every node with its commune, last seen and clock offset, and flags the silent")
    func nodesListing() throws {
        let setup = try Setup()
        try setup.workspace.succeed(Binaries.hub, ["enroll", "--db", setup.hubDB, "--commune", "bac-quynh", "--label", "never synced"])
        let hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB)
        try setup.initAgent(hub: hub)
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        let nodes = try #require(try setup.workspace.json(Binaries.hub, ["nodes", "--db", setup.hubDB, "--json"]) as? [[String: Any]])
        #expect(nodes.count == 2)
        let synced = try #require(nodes.first { $0["commune"] as? String == "long-dong" })
        #expect(synced["silent"] as? Bool == false)
        #expect(synced["lastSeen"] is String)
        #expect(synced["clockOffsetMs"] is Int)
        let silent = try #require(nodes.first { $0["commune"] as? String == "bac-quynh" })
        #expect(silent["silent"] as? Bool == true)
        #expect(silent["label"] as? String == "never synced")
        #expect(hub.stop() == 0)
    }
}

/// The tasks the agent's store holds; 0 while the store is not yet set up.
private func taskCount(_ setup: DaemonTests.Setup) throws -> Int {
    let result = try setup.workspace.run(Binaries.agent, ["tasks", "--db", setup.agentDB, "--json"])
    guard result.status == 0 else { return 0 }
    return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [Any])?.count ?? 0
}

private func auditCount(_ setup: DaemonTests.Setup) throws -> Int {
    (try setup.workspace.json(Binaries.hub, ["audit", "--db", setup.hubDB, "--json", "--commune", "long-dong"]) as? [[String: Any]])?
        .filter { ($0["node"] as? String)?.hasPrefix("n-") == true }.count ?? 0
}

/// Polls `condition` until it holds; fails the test after `timeout` seconds.
func waitUntil(timeout: TimeInterval = 20, sourceLocation: SourceLocation = #_sourceLocation,
               _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("condition not met within \(timeout) s", sourceLocation: sourceLocation)
}
