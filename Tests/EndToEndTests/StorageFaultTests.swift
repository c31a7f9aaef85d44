import Foundation
import SyncCore
import Testing

/// The disk refuses writes under the real binaries: the agent's CLI, the agent's daemon and the
/// hub. The fault is a file size limit (RLIMIT_FSIZE) lowered on the running process with
/// `prlimit`, which needs no privilege: every write past the limit fails (EFBIG), as on a full
/// or failing disk, and raising the limit again is "space returns". The processes are started
/// with SIGXFSZ ignored: only the limit raises that signal (a full disk just fails the write),
/// so ignoring it leaves the failed write that a full disk gives. The daemons' logs are files
/// here, so their lines are lost while the limit holds: the checks read the stores instead.
/// Afterwards: the write was refused with a clear error, nothing is half-written
/// (`integrity_check`, outbox and audit consistent), no daemon died, and everything syncs once
/// space returns. `STORAGE_ITERATIONS` repeats the fault (`scripts/storage-suite`).
@Suite("Storage faults", .serialized)
struct StorageFaultTests {
    static let iterations = ProcessInfo.processInfo.environment["STORAGE_ITERATIONS"].flatMap(Int.init) ?? 2

    @Test("the hub on a full disk refuses the exchange whole, stays up, and takes it once space returns")
    func hubDiskFull() async throws {
        let setup = try DaemonTests.Setup()
        let hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB, ignoringFileSizeSignal: true)
        try setup.initAgent(hub: hub)
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        for round in 0..<Self.iterations {
            for task in 1...5 {
                try setup.workspace.succeed(Binaries.agent, ["progress", "4.\(task)", "--db", setup.agentDB, "--status", "in_progress",
                                                             "--percent", "\((round * 5 + task) % 100)", "--by", "Nguyễn Văn An"])
            }
            let auditBefore = try await hubAudit(setup).count
            let pending = try await AgentStore(path: setup.agentDB, create: false).agentSyncState().pending
            try limitFileSize(of: hub.process, to: 1)
            let refused = try setup.workspace.run(Binaries.agent, ["sync", "--db", setup.agentDB])
            #expect(refused.status == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("Máy chủ huyện gặp lỗi") && refused.stderr.contains("storage"), "\(refused.stderr)")
            #expect(refused.stderr.contains("[hub_error]"), "\(refused.stderr)")
            #expect(hub.process.isRunning)
            try limitFileSize(of: hub.process, to: nil)
            #expect(try await hubAudit(setup).count == auditBefore, "nothing of the refused exchange was kept")
            #expect(try await AgentStore(path: setup.agentDB, create: false).agentSyncState().pending == pending)

            try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        }
        #expect(hub.stop() == 0)
        #expect(try await HubStore(path: setup.hubDB, create: false).integrityCheck() == "ok")
        try await checkExactlyOnce(setup)
    }

    @Test("the officer's write on a full disk is refused whole with a Vietnamese message; the daemon rides it out")
    func agentDiskFull() async throws {
        let setup = try DaemonTests.Setup()
        let hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB)
        try setup.initAgent(hub: hub)
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        // The daemon holds the store open, as in an office; the CLI writes beside it.
        let agent = try DaemonProcess(workspace: setup.workspace, binary: "/bin/sh",
                                      arguments: shellIgnoringFileSizeSignal(Binaries.agent, ["run", "--db", setup.agentDB, "--web", "127.0.0.1:0"]),
                                      environment: ["AGENT_SYNC_INTERVAL": "1", "AGENT_SYNC_AFTER_WRITE": "0.1", "AGENT_BACKOFF_INITIAL": "1",
                                                    "AGENT_BACKOFF_MAX": "2"])
        try await waitUntil { agent.stderr.contains("agent.started") }
        for round in 0..<Self.iterations {
            let before = try await agentSnapshot(setup)
            let refused = try setup.workspace.run("/bin/sh", shellIgnoringFileSizeSignal(Binaries.agent, [
                "progress", "4.1", "--db", setup.agentDB, "--status", "done", "--note", "vòng \(round)", "--by", "Nguyễn Văn An",
            ], fileSizeLimit: 1))
            #expect(refused.status == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("Không ghi được vào kho dữ liệu"), "\(refused.stderr)")
            #expect(refused.stderr.contains("không có gì bị ghi dở"))
            #expect(refused.stderr.contains("[storage]"))
            #expect(try await agentSnapshot(setup) == before, "the refused write left a trace")

            // The daemon itself cannot write: its syncs fail and back off; it does not exit.
            try limitFileSize(of: agent.process, to: 1)
            // The hub takes the write; the daemon cannot record the acknowledgement, so it stays pending.
            let note = "xong vòng \(round)"
            try setup.workspace.succeed(Binaries.agent, ["progress", "4.3", "--db", setup.agentDB, "--status", "in_progress",
                                                         "--note", note, "--by", "Nguyễn Văn An"])
            try await waitUntil { try await hubAudit(setup).contains { $0.value == .text(note) } }
            try await Task.sleep(for: .seconds(1.5))
            #expect(try await AgentStore(path: setup.agentDB, create: false).agentSyncState().pending > 0)
            #expect(agent.process.isRunning)
            try limitFileSize(of: agent.process, to: nil)
            try await waitUntil(timeout: 30) { try await AgentStore(path: setup.agentDB, create: false).agentSyncState().pending == 0 }
        }
        #expect(agent.stop() == 0)
        #expect(hub.stop() == 0)
        #expect(try await AgentStore(path: setup.agentDB, create: false).integrityCheck() == "ok")
        try await checkExactlyOnce(setup)
        #expect(!(try await hubAudit(setup)).contains { $0.value.text?.hasPrefix("vòng") == true }, "a refused note reached the hub")
    }

    @Test("a store cut short (a torn copy, a failing disk) is refused at start by both daemons, and nothing restarts it")
    func truncatedStore() throws {
        let setup = try DaemonTests.Setup()
        for (binary, arguments) in [(Binaries.hub, ["serve", "--listen", "127.0.0.1:0"]), (Binaries.agent, ["run", "--web", "127.0.0.1:0"])] {
            let torn = setup.workspace.path("torn-\(UUID().uuidString).sqlite")
            try FileManager.default.copyItem(atPath: setup.hubDB, toPath: torn)
            let size = try #require(try FileManager.default.attributesOfItem(atPath: torn)[.size] as? Int)
            #expect(truncate(torn, off_t(size / 2)) == 0)
            let refused = try setup.workspace.run(binary, arguments + ["--db", torn])
            #expect(refused.status == 65, "\(refused.stderr)")
            #expect(refused.stderr.contains("refusing to start"))
        }
    }

    /// Every outbox entry the agent made is at the hub exactly once, and none is pending.
    private func checkExactlyOnce(_ setup: DaemonTests.Setup, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let agent = try AgentStore(path: setup.agentDB, create: false)
        let made = try await agent.latestOutboxSeq()
        let firstTimes = try await hubAudit(setup).filter { $0.outcome != .duplicate }
        #expect(firstTimes.count == Int(made), sourceLocation: sourceLocation)
        #expect(Set(firstTimes.compactMap(\.seq)) == Set(1...made), sourceLocation: sourceLocation)
        #expect(try await agent.agentSyncState().pending == 0, sourceLocation: sourceLocation)
    }

    /// The agent's state that a refused write must not touch: pending outbox and fields.
    private func agentSnapshot(_ setup: DaemonTests.Setup) async throws -> [String] {
        let store = try AgentStore(path: setup.agentDB, create: false)
        let fields = try await store.allFields().map { "\($0.key)=\($0.value.value)@\($0.value.stamp)" }.sorted()
        return fields + ["latest \(try await store.latestOutboxSeq())"]
    }

    private func hubAudit(_ setup: DaemonTests.Setup) async throws -> [AuditEntry] {
        try await HubStore(path: setup.hubDB, create: false).audit().filter { $0.node.hasPrefix("n-") }
    }
}

/// `sh` arguments that run `binary` with SIGXFSZ ignored (so a write past the file size limit
/// fails with EFBIG instead of killing the process) and, when given, a file size limit in KiB.
func shellIgnoringFileSizeSignal(_ binary: String, _ arguments: [String], fileSizeLimit kib: Int? = nil) -> [String] {
    let limit = kib.map { "ulimit -S -f \($0 * 2); " } ?? ""
    return ["-c", "trap '' XFSZ; \(limit)exec \"$0\" \"$@\"", binary] + arguments
}

/// Sets (or lifts, with nil) the soft file size limit of a running process, in KiB.
func limitFileSize(of process: Process, to kib: Int?) throws {
    let prlimit = Process()
    prlimit.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
    prlimit.arguments = ["--pid", "\(process.processIdentifier)", "--fsize=\(kib.map { "\($0 * 1024)" } ?? "unlimited"):"]
    try prlimit.run()
    prlimit.waitUntilExit()
    try #require(prlimit.terminationStatus == 0, "prlimit failed")
}
