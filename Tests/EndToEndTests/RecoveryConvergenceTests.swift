import Foundation
import SyncCore
import Testing

/// The recovery paths the README documents, with the real binaries: after each, the agent
/// shows exactly what the hub holds (issue 13, scenarios 1 to 3).
@Suite("Recovery paths converge", .serialized)
struct RecoveryConvergenceTests {
    let workspace: Workspace
    let hubDB: String
    let tasksFile: String

    init() throws {
        workspace = try Workspace()
        hubDB = workspace.path("hub.sqlite")
        tasksFile = workspace.path("tasks.json")
        try workspace.succeed(Binaries.hub, ["communes", "import", "--db", hubDB, Binaries.config.appendingPathComponent("communes.json").path])
        try assign(["long-dong"])
    }

    /// Imports the test's one task, 9.1, assigned to `communes`.
    func assign(_ communes: [String]) throws {
        let list = communes.map { "\"\($0)\"" }.joined(separator: ", ")
        try """
            {"tasks": [{"id": "9.1", "title": "Báo cáo kết quả rà soát thủ tục hành chính", "deadline": "2023-06-30",
                        "communes": [\(list)], "index": "PAR"}]}
            """.write(toFile: tasksFile, atomically: true, encoding: .utf8)
        try workspace.succeed(Binaries.hub, ["tasks", "import", "--db", hubDB, tasksFile])
    }

    /// Enrolls a machine of Long Đống and returns its token file.
    func enroll(_ label: String) throws -> String {
        let output = try workspace.succeed(Binaries.hub, ["enroll", "--db", hubDB, "--commune", "long-dong", "--label", label])
        let file = workspace.path("\(label).token")
        try String(output.split(separator: "\n").last!).write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func agent(_ name: String, hub: HubProcess, token: String, environment: [String: String] = [:]) throws -> String {
        let db = workspace.path("\(name).sqlite")
        try workspace.succeed(Binaries.agent, ["init", "--db", db, "--hub", hub.url, "--commune", "long-dong", "--token-file", token],
                              environment: environment)
        try workspace.succeed(Binaries.agent, ["sync", "--db", db], environment: environment)
        return db
    }

    func report(_ db: String, _ status: String, percent: Int, note: String, by: String, environment: [String: String] = [:]) throws {
        try workspace.succeed(Binaries.agent, ["progress", "9.1", "--db", db, "--status", status, "--percent", "\(percent)",
                                               "--note", note, "--by", by], environment: environment)
    }

    /// Task 9.1 as the agent shows it: status, percent, note and who reported.
    func agentView(_ db: String) throws -> [String] {
        let tasks = try #require(try workspace.json(Binaries.agent, ["tasks", "--db", db, "--json"]) as? [[String: Any]])
        let task = try #require(tasks.first { $0["id"] as? String == "9.1" })
        return [task["status"], task["percent"], task["note"], task["by"]].map { "\($0 ?? "nil")" }
    }

    /// The same as the hub holds it (the hub stopped: the CLI reads its store).
    func hubView() throws -> [String] {
        let status = try #require(try workspace.json(Binaries.hub, ["status", "--db", hubDB, "--commune", "long-dong", "--json"])
            as? [String: Any])
        let communes = try #require(status["communes"] as? [[String: Any]])
        let progress = try #require((communes.first?["progress"] as? [String: [String: Any]])?["9.1"])
        return [progress["status"], progress["percent"], progress["note"], progress["by"]].map { "\($0 ?? "nil")" }
    }

    @Test("an agent restored from a backup and rebound gets back the writes it made after the backup")
    func restoredAndRebound() throws {
        var hub = try HubProcess(workspace: workspace, db: hubDB)
        let desk = try agent("desk", hub: hub, token: try enroll("desk"))
        try report(desk, "in_progress", percent: 40, note: "Trước khi sao lưu", by: "Nguyễn Văn An")
        try workspace.succeed(Binaries.agent, ["sync", "--db", desk])
        let backup = workspace.path("desk-backup.sqlite")
        try workspace.succeed(Binaries.agent, ["backup", "--db", desk, "--to", backup])
        try report(desk, "done", percent: 100, note: "Sau khi sao lưu", by: "Nguyễn Văn An")
        try workspace.succeed(Binaries.agent, ["sync", "--db", desk])

        // The PC's disk dies; the README's procedure: restore the copy, enroll again, rebind.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: desk + suffix) }
        try FileManager.default.copyItem(atPath: backup, toPath: desk)
        // The daemon comes back on the copy and syncs before anyone thinks of rebinding: with
        // nothing pending it is not refused, and its cursor moves past its own later writes.
        try workspace.succeed(Binaries.agent, ["sync", "--db", desk])
        let newToken = try enroll("desk-restored")
        try workspace.succeed(Binaries.agent, ["init", "--db", desk, "--hub", hub.url, "--commune", "long-dong",
                                               "--token-file", newToken, "--rebind"])
        try workspace.succeed(Binaries.agent, ["sync", "--db", desk])
        #expect(hub.stop() == 0)
        #expect(try agentView(desk) == ["done", "100", "Sau khi sao lưu", "Nguyễn Văn An"])
        #expect(try agentView(desk) == (try hubView()))

        // Its next report builds on the hub's state, not on the restored one.
        hub = try HubProcess(workspace: workspace, db: hubDB, port: hub.port)
        try workspace.succeed(Binaries.agent, ["progress", "9.1", "--db", desk, "--status", "done", "--evidence", "Báo cáo số 12/BC-UBND",
                                               "--by", "Nguyễn Văn An"])
        try workspace.succeed(Binaries.agent, ["sync", "--db", desk])
        #expect(hub.stop() == 0)
        #expect(try hubView()[2] == "Sau khi sao lưu")
    }

    @Test("a write the hub refuses leaves the agent with the hub's value, and stays in the office's history")
    func refusedWriteRestored() throws {
        var hub = try HubProcess(workspace: workspace, db: hubDB)
        let desk = try agent("desk", hub: hub, token: try enroll("desk"))
        let laptop = try agent("laptop", hub: hub, token: try enroll("laptop"))
        try report(desk, "in_progress", percent: 30, note: "Bàn một cửa báo cáo", by: "Nguyễn Văn An")
        try workspace.succeed(Binaries.agent, ["sync", "--db", desk])
        try workspace.succeed(Binaries.agent, ["sync", "--db", laptop])
        #expect(hub.stop() == 0)

        // The district takes the task back; offline, the laptop reports on it anyway.
        try assign([])
        try report(laptop, "done", percent: 100, note: "Báo cáo khi mất mạng", by: "Trần Thị Bình")
        hub = try HubProcess(workspace: workspace, db: hubDB, port: hub.port)
        try workspace.succeed(Binaries.agent, ["sync", "--db", laptop])
        let status = try #require(try workspace.json(Binaries.agent, ["status", "--db", laptop, "--json"]) as? [String: Any])
        let rejections = try #require(status["rejections"] as? [[String: Any]])
        #expect(Set(rejections.compactMap { $0["code"] as? String }) == ["unknown_task"])
        #expect(hub.stop() == 0)

        // The task comes back: every PC of the commune shows what the hub holds, the desk's report.
        try assign(["long-dong"])
        hub = try HubProcess(workspace: workspace, db: hubDB, port: hub.port)
        for db in [laptop, desk] { try workspace.succeed(Binaries.agent, ["sync", "--db", db]) }
        #expect(hub.stop() == 0)
        #expect(try hubView() == ["in_progress", "30", "Bàn một cửa báo cáo", "Nguyễn Văn An"])
        #expect(try agentView(laptop) == (try hubView()))
        #expect(try agentView(desk) == (try hubView()))
    }

    @Test("a PC a year ahead that is rebound before its first sync takes the hub's restamp and later writes")
    func rebindThenRestamp() throws {
        var hub = try HubProcess(workspace: workspace, db: hubDB)
        let clock = FakeClock(workspace: workspace, name: "desk")
        let desk = try agent("desk", hub: hub, token: try enroll("desk"), environment: clock.environment)
        let laptop = try agent("laptop", hub: hub, token: try enroll("laptop"))
        #expect(hub.stop() == 0)

        clock.set(offsetMillis: 365 * 86_400_000)
        try report(desk, "in_progress", percent: 10, note: "Ghi khi đồng hồ chạy nhanh một năm", by: "Nguyễn Văn An",
                   environment: clock.environment)
        // Its token is replaced before it ever syncs that report.
        try workspace.succeed(Binaries.agent, ["init", "--db", desk, "--hub", hub.url, "--commune", "long-dong",
                                               "--token-file", try enroll("desk-new"), "--rebind"], environment: clock.environment)
        hub = try HubProcess(workspace: workspace, db: hubDB, port: hub.port)
        try workspace.succeed(Binaries.agent, ["sync", "--db", desk], environment: clock.environment)
        // Another PC of the commune, on time, reports later: its report wins everywhere.
        try report(laptop, "done", percent: 100, note: "Máy xách tay báo cáo sau", by: "Trần Thị Bình")
        try workspace.succeed(Binaries.agent, ["sync", "--db", laptop])
        try workspace.succeed(Binaries.agent, ["sync", "--db", desk], environment: clock.environment)
        #expect(hub.stop() == 0)
        #expect(try hubView() == ["done", "100", "Máy xách tay báo cáo sau", "Trần Thị Bình"])
        #expect(try agentView(desk) == (try hubView()))
    }

    @Test("a hub restored from its backup logs anew; agents send again what it lost, and end with exactly its state")
    func hubRestored() async throws {
        var hub = try HubProcess(workspace: workspace, db: hubDB)
        let desk = try agent("desk", hub: hub, token: try enroll("desk"))
        let laptop = try agent("laptop", hub: hub, token: try enroll("laptop"))
        let backup = workspace.path("hub-backup.sqlite")
        try workspace.succeed(Binaries.hub, ["backup", "--db", hubDB, "--to", backup])
        // After the backup the desk reports and syncs: its cursor moves past the backup's log,
        // and the hub acknowledges three reports that the backup does not hold.
        for note in ["Một", "Hai", "Ba"] {
            try report(desk, "in_progress", percent: 20, note: note, by: "Nguyễn Văn An")
            try workspace.succeed(Binaries.agent, ["sync", "--db", desk])
        }
        // The district renames the task after the backup too; the desk pulls the new title.
        try String(try String(contentsOfFile: tasksFile, encoding: .utf8)
            .replacingOccurrences(of: "Báo cáo kết quả", with: "Tên mới: báo cáo kết quả"))
            .write(toFile: tasksFile, atomically: true, encoding: .utf8)
        try workspace.succeed(Binaries.hub, ["tasks", "import", "--db", hubDB, tasksFile])
        try workspace.succeed(Binaries.agent, ["sync", "--db", desk])
        #expect(try title(desk).hasPrefix("Tên mới"))
        #expect(hub.stop() == 0)
        let deskNode = try await AgentStore(path: desk, create: false).agentIdentity().node
        let acknowledged = try await AgentStore(path: desk, create: false).latestOutboxSeq()

        // The hub's disk fails; the operator restores the backup.
        let restored = try workspace.succeed(Binaries.hub, ["restore", "--db", hubDB, "--from", backup])
        #expect(restored.contains("before-restore"))
        hub = try HubProcess(workspace: workspace, db: hubDB, port: hub.port)
        // The restored hub logs new changes at the sequences the desk has already seen.
        for percent in [30, 40, 50] {
            try report(laptop, "in_progress", percent: percent, note: "Máy xách tay \(percent)", by: "Trần Thị Bình")
            try workspace.succeed(Binaries.agent, ["sync", "--db", laptop])
        }
        try workspace.succeed(Binaries.agent, ["sync", "--db", desk])
        #expect(hub.stop() == 0)
        #expect(try hubView() == ["in_progress", "50", "Máy xách tay 50", "Trần Thị Bình"])
        #expect(try agentView(desk) == (try hubView()))
        // The rename the restored hub lost is gone from the desk too: it shows what the hub holds.
        #expect(try title(desk).hasPrefix("Báo cáo kết quả"))
        // Every change the old hub acknowledged from the desk is at the restored hub, once.
        let audit = try await HubStore(path: hubDB, create: false).audit().filter { $0.node == deskNode && $0.outcome != .duplicate }
        #expect(audit.compactMap(\.seq).sorted() == Array(1...acknowledged))
        #expect(try await AgentStore(path: desk, create: false).agentSyncState().pending == 0)
    }

    func title(_ db: String) throws -> String {
        let tasks = try #require(try workspace.json(Binaries.agent, ["tasks", "--db", db, "--json"]) as? [[String: Any]])
        return try #require(tasks.first { $0["id"] as? String == "9.1" }?["title"] as? String)
    }
}
