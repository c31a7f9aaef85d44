import Foundation
import SyncCore
import TestSupport
import Testing

@Suite("Dashboard to agent, with the real binaries", .serialized)
struct DashboardFlowTests {
    @Test("a task created and a report sent back in the dashboard reach the commune's agent at its next sync")
    func taskReachesAgent() throws {
        let setup = try DaemonTests.Setup()
        try setup.workspace.succeed(Binaries.hub, ["communes", "import", "--db", setup.hubDB, Binaries.config.appendingPathComponent("communes.json").path])
        let passwordFile = setup.workspace.path("password")
        try "mật khẩu của trưởng phòng\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        try setup.workspace.succeed(Binaries.hub, ["user", "add", "--db", setup.hubDB, "--user", "truong-phong", "--role", "admin",
                                                   "--password-file", passwordFile])
        try "ngắn\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let weak = try setup.workspace.run(Binaries.hub, ["user", "add", "--db", setup.hubDB, "--user", "x", "--role", "viewer",
                                                         "--password-file", passwordFile])
        #expect(weak.status != 0)

        let hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB)
        try setup.initAgent(hub: hub)
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        try setup.workspace.succeed(Binaries.agent, ["progress", "4.1", "--db", setup.agentDB, "--status", "done", "--by", "Nguyễn Văn An"])
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])

        let browser = Browser(port: hub.port)
        try browser.get("/login")
        #expect(try browser.post("/login", ["user": "truong-phong", "password": "mật khẩu của trưởng phòng"]).status == 303)
        try browser.get("/tasks/new")
        let created = try browser.post("/tasks", [
            "mode": "create", "id": "9.1", "title": "Báo cáo kết quả CCHC quý IV", "deadline": "2026-12-31", "index": "PAR",
            "communes": "list", "commune.long-dong": "1",
        ])
        #expect(created.status == 303)
        try browser.get("/tasks/4.1")
        #expect(try browser.post("/review", ["commune": "long-dong", "task": "4.1", "decision": "returned",
                                             "comment": "Bổ sung số quyết định"]).status == 303)

        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        let tasks = try #require(try setup.workspace.json(Binaries.agent, ["tasks", "--db", setup.agentDB, "--json"]) as? [[String: Any]])
        let newTask = try #require(tasks.first { $0["id"] as? String == "9.1" })
        #expect(newTask["title"] as? String == "Báo cáo kết quả CCHC quý IV")
        #expect(newTask["deadline"] as? String == "2026-12-31")
        let reviewed = try #require(tasks.first { $0["id"] as? String == "4.1" })
        #expect(reviewed["review"] as? String == "returned")
        #expect(reviewed["reviewNote"] as? String == "Bổ sung số quyết định")
        let human = try setup.workspace.succeed(Binaries.agent, ["tasks", "--db", setup.agentDB])
        #expect(human.contains("Huyện trả lại: Bổ sung số quyết định"))
        #expect(hub.stop() == 0)
    }

    @Test("plan copy gives the next year's plan new ids and deadlines, changes nothing when run again, and reaches the agents")
    func planCopy() throws {
        let setup = try DaemonTests.Setup()
        let copied = try setup.workspace.succeed(Binaries.hub, ["plan", "copy", "--db", setup.hubDB, "--from", "2023", "--to", "2026", "--shift-deadlines"])
        #expect(copied.contains("plan 2026: 15 tasks copied from 2023"))
        #expect(try setup.workspace.succeed(Binaries.hub, ["plan", "copy", "--db", setup.hubDB, "--from", "2023", "--to", "2026"])
            .contains("0 tasks copied from 2023, 15 already there"))
        let refused = try setup.workspace.run(Binaries.hub, ["plan", "copy", "--db", setup.hubDB, "--from", "2019", "--to", "2026"])
        #expect(refused.status == 65 && refused.stderr.contains("the 2019 plan has no tasks"))
        let hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB)
        try setup.initAgent(hub: hub)
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        let tasks = try #require(try setup.workspace.json(Binaries.agent, ["tasks", "--db", setup.agentDB, "--json"]) as? [[String: Any]])
        let next = try #require(tasks.first { $0["id"] as? String == "4.1-2026" })
        #expect(next["plan"] as? Int == 2026 && next["deadline"] as? String == "2026-04-19")
        #expect(tasks.first { $0["id"] as? String == "4.1" }?["plan"] as? Int == 2023)
        #expect(hub.stop() == 0)
    }

    @Test("district-hub report writes the period's .docx and printable page with the config's heading; bad input writes nothing")
    func periodicReport() throws {
        let setup = try DaemonTests.Setup()
        try setup.workspace.succeed(Binaries.hub, ["communes", "import", "--db", setup.hubDB, Binaries.config.appendingPathComponent("communes.json").path])
        let config = Binaries.config.appendingPathComponent("district-hub.json").path
        let docx = setup.workspace.path("bao-cao.docx"), html = setup.workspace.path("bao-cao.html")
        let wrote = try setup.workspace.succeed(Binaries.hub, ["report", "--db", setup.hubDB, "--period", "2023-Q2", "--format", "docx",
                                                              "--to", docx, "--config", config, "--number", "15", "--signer", "Nguyễn Văn Hùng"])
        #expect(wrote.contains("Kết quả thực hiện nhiệm vụ cải cách hành chính quý II năm 2023"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: docx))
        #expect(Array(bytes.prefix(2)) == [0x50, 0x4B])
        try setup.workspace.succeed(Binaries.hub, ["report", "--db", setup.hubDB, "--period", "2023", "--format", "html", "--to", html, "--config", config])
        let page = try String(contentsOfFile: html, encoding: .utf8)
        // The shipped config's heading, the notice's tasks and the district's communes, as of 31/12/2023.
        for expected in ["UBND HUYỆN BẮC SƠN", "PHÒNG NỘI VỤ", "Phòng Tài chính - Kế hoạch;", "Xã Vũ Lễ", "Rà soát, bổ sung quyết định",
                         "kết quả thực hiện nhiệm vụ cải cách hành chính năm 2023 như sau"] {
            #expect(page.contains(expected), "\(expected)")
        }
        for (arguments, status) in [(["--period", "2023-Q5", "--format", "docx"], Int32(64)), (["--period", "2023", "--format", "pdf"], 64)] {
            let refused = try setup.workspace.run(Binaries.hub, ["report", "--db", setup.hubDB, "--to", setup.workspace.path("x")] + arguments)
            #expect(refused.status == status && !FileManager.default.fileExists(atPath: setup.workspace.path("x")), "\(arguments): \(refused.stderr)")
        }
        let missing = try setup.workspace.run(Binaries.hub, ["report", "--db", setup.workspace.path("none.sqlite"), "--period", "2023",
                                                            "--format", "html", "--to", setup.workspace.path("x")])
        #expect(missing.status == 65 && missing.stderr.contains("no store at"))
    }

    @Test("district-hub audit archive moves a closed year's rows to a file that audit --archive prints; the store keeps the rest")
    func auditArchive() throws {
        let workspace = try Workspace()
        let hubDB = workspace.path("hub.sqlite"), archive = workspace.path("audit-2024.sqlite"), clockFile = workspace.path("clock")
        try "=\(CalendarDay("2024-06-01")!.startMillis)".write(toFile: clockFile, atomically: true, encoding: .utf8)
        try workspace.succeed(Binaries.hub, ["communes", "import", "--db", hubDB, Binaries.config.appendingPathComponent("communes.json").path],
                              environment: ["SYNC_TEST_CLOCK_FILE": clockFile])
        try workspace.succeed(Binaries.hub, ["tasks", "import", "--db", hubDB, Binaries.config.appendingPathComponent("tasks.json").path])
        let all = try #require(try workspace.json(Binaries.hub, ["audit", "--db", hubDB, "--json"]) as? [[String: Any]])
        let communes = all.filter { $0["collection"] as? String == "communes" }.count
        #expect(communes == 18)

        let refused = try workspace.run(Binaries.hub, ["audit", "archive", "--db", hubDB, "--year", "2026", "--to", archive])
        #expect(refused.status == 65 && refused.stderr.contains("only a closed year") && !FileManager.default.fileExists(atPath: archive))
        let moved = try workspace.succeed(Binaries.hub, ["audit", "archive", "--db", hubDB, "--year", "2024", "--to", archive])
        #expect(moved.contains("audit 2024: \(communes) rows moved"))
        let archived = try #require(try workspace.json(Binaries.hub, ["audit", "--archive", archive, "--json"]) as? [[String: Any]])
        let kept = try #require(try workspace.json(Binaries.hub, ["audit", "--db", hubDB, "--json"]) as? [[String: Any]])
        #expect(archived.count == communes && archived.allSatisfy { $0["collection"] as? String == "communes" })
        #expect(kept.count == all.count - communes && !kept.contains { $0["collection"] as? String == "communes" })
        #expect(try workspace.run(Binaries.hub, ["audit"]).status == 64)
    }
}
