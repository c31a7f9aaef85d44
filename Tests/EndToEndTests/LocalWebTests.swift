import Foundation
import SyncCore
import TestSupport
import Testing

/// The officer's screen, over real HTTP against a running `commune-agent run`.
@Suite("The officer's screen", .serialized)
struct LocalWebTests {
    /// A hub, an enrolled long-dong node, and its daemon with the screen on a free port.
    final class Office {
        let setup: DaemonTests.Setup
        var hub: HubProcess
        let agent: DaemonProcess
        let browser: Browser

        /// `web` is the screen's address with port 0; `host` is how the browser writes it.
        init(web: String = "127.0.0.1:0", host: String = "127.0.0.1", arguments: [String] = []) async throws {
            setup = try DaemonTests.Setup()
            hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB)
            try setup.initAgent(hub: hub)
            (agent, browser) = try await startOfficerScreen(workspace: setup.workspace, db: setup.agentDB, arguments: arguments,
                                                            environment: ["AGENT_BACKOFF_INITIAL": "0.2", "AGENT_BACKOFF_MAX": "0.5"],
                                                            host: host, web: web)
            try await waitUntil(timeout: 90) { try browser.get("/").status == 200 && browser.lastPage.contains("4.1") }
        }

        func store() throws -> AgentStore { try AgentStore(path: setup.agentDB, create: false) }

        deinit {
            agent.stop()
            hub.stop()
        }
    }

    @Test("the progress form stores exactly what was posted, NFC, and it reaches the hub")
    func progressForm() async throws {
        let office = try await Office()
        #expect(try office.browser.get("/tasks/4.1").status == 200)
        let decomposed = "Đã ban hành quyết định <script>alert(1)</script>".decomposedStringWithCanonicalMapping
        let reply = try office.browser.post("/progress", [
            "task": "4.1", "status": "in_progress", "percent": "40", "note": decomposed,
            "evidence": "Quyết định số 45/QĐ-UBND", "by": "Nguyễn Văn An",
        ])
        #expect(reply.status == 303)
        #expect(reply.header("location") == "/?flash=progress")
        let fields = try await office.store().fields(of: .progress, record: "long-dong/4.1")
        #expect(fields["status"] == .text("in_progress"))
        #expect(fields["percent"] == .int(40))
        #expect(fields["note"]?.text?.isNFC == true)
        #expect(fields["note"]?.text == "Đã ban hành quyết định <script>alert(1)</script>".precomposedStringWithCanonicalMapping)
        #expect(fields["evidence"] == .text("Quyết định số 45/QĐ-UBND"))
        #expect(fields["by"] == .text("Nguyễn Văn An"))

        // What the officer typed is shown as text, never run; the reporter is remembered.
        try office.browser.get("/history")
        #expect(office.browser.lastPage.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!office.browser.lastPage.contains("<script>alert(1)"))
        try office.browser.get("/equipment")
        #expect(office.browser.lastPage.contains("value=\"Nguyễn Văn An\""))

        try await waitUntil {
            let status = try office.setup.workspace.json(Binaries.hub, ["status", "--db", office.setup.hubDB, "--json"]) as? [String: Any]
            let communes = status?["communes"] as? [[String: Any]] ?? []
            let progress = communes.first { $0["code"] as? String == "long-dong" }?["progress"] as? [String: [String: Any]]
            return progress?["4.1"]?["percent"] as? Int == 40
        }
        try office.browser.get("/history")
        #expect(office.browser.lastPage.contains("Huyện đã nhận"))
    }

    @Test("invalid input is refused with its message and stores nothing", arguments: [
        (["task": "4.1", "status": "in_progress", "percent": "140", "by": "A"], "0 đến 100", 422),
        (["task": "4.1", "status": "done", "percent": "50", "by": "A"], "100%", 422),
        (["task": "4.1", "status": "finished", "by": "A"], "Trạng thái không hợp lệ", 422),
        (["task": "4.1", "status": "done", "by": "  "], "Thiếu người báo cáo", 422),
        (["task": "9.9", "status": "done", "by": "A"], "Không có nhiệm vụ", 404),
        (["task": "4.1", "status": "done", "percent": "nhiều", "by": "A"], "số nguyên", 422),
    ])
    func invalidProgress(fields: [String: String], message: String, status: Int) async throws {
        let office = try await Office()
        try office.browser.get("/tasks/4.1")
        let reply = try office.browser.post("/progress", fields)
        #expect(reply.status == status)
        #expect(office.browser.lastPage.contains(message))
        #expect(try await office.store().agentSyncState().pending == 0)
        #expect(try await office.store().fields(of: .progress, record: "long-dong/4.1").isEmpty)
    }

    @Test("the equipment form stores every kind filled in, and refuses the whole form if one is wrong")
    func equipmentForm() async throws {
        let office = try await Office()
        try office.browser.get("/equipment")
        let wrong = try office.browser.post("/equipment", [
            "computer.total": "5", "computer.working": "3", "printer.total": "1", "printer.working": "2", "by": "Lê Văn Cường",
        ])
        #expect(wrong.status == 422)
        #expect(office.browser.lastPage.contains("không được lớn hơn tổng số"))
        #expect(try await office.store().agentSyncState().pending == 0)

        let saved = try office.browser.post("/equipment", [
            "computer.total": "5", "computer.working": "3", "computer.needed": "2", "computer.cost": "30000000",
            "internet.state": "unstable", "internet.provider": "VNPT", "internet.mbps": "20", "by": "Lê Văn Cường",
        ])
        #expect(saved.status == 303)
        let computer = try await office.store().fields(of: .equipment, record: "long-dong/computer")
        #expect(computer["total"] == .int(5) && computer["working"] == .int(3) && computer["cost"] == .int(30_000_000))
        let internet = try await office.store().fields(of: .equipment, record: "long-dong/internet")
        #expect(internet["state"] == .text("unstable") && internet["provider"] == .text("VNPT") && internet["mbps"] == .int(20))
        #expect(try await office.store().fields(of: .equipment, record: "long-dong/printer").isEmpty)

        // The previous check is shown beside each field.
        try office.browser.get("/equipment")
        #expect(office.browser.lastPage.contains("Lần trước: 30.000.000 đ"))
        #expect(office.browser.lastPage.contains("Lần trước: Chập chờn"))
        #expect(office.browser.lastPage.contains("<option value=\"down\">Mất kết nối</option>"))
    }

    @Test("a form without its CSRF token, or from a foreign Host, is refused")
    func guards() async throws {
        let office = try await Office()
        try office.browser.get("/tasks/4.1")
        let forged = try office.browser.post("/progress", ["task": "4.1", "status": "done", "by": "A"], csrf: "0000")
        #expect(forged.status == 403)
        for path in ["/progress", "/equipment", "/sync"] {
            let empty = try office.browser.post(path, ["task": "4.1", "status": "done", "computer.total": "1", "by": "A"], csrf: "")
            #expect(empty.status == 403, "\(path)")
            #expect(office.browser.lastPage.contains("Phiên làm việc đã hết hạn"), "\(path)")
        }
        // A browser with a token whose form carries none.
        let missing = try CurlHTTPClient().post(url: office.browser.base + "/progress", body: Data("task=4.1&status=done&by=A".utf8),
                                                headers: ["Cookie: csrf=abc", "Content-Type: application/x-www-form-urlencoded"])
        #expect(missing.status == 403)
        #expect(try await office.store().agentSyncState().pending == 0)
        let rebound = try office.browser.get("/", host: "attacker.example:\(office.browser.base.split(separator: ":").last!)")
        #expect(rebound.status == 421)
    }

    @Test("a token the screen did not sign is refused even when cookie and form agree (a planted cookie)")
    func plantedToken() async throws {
        let office = try await Office()
        let genuine = try #require({ try office.browser.get("/"); return office.browser.csrfToken }())
        #expect(genuine.contains("."), "the screen's token is nonce.signature")
        let forged = genuine.split(separator: ".")[0] + "." + String(repeating: "0", count: 64)
        for planted in ["abc", String(forged)] {
            let reply = try CurlHTTPClient().post(url: office.browser.base + "/progress",
                                                  body: Data("task=4.1&status=done&by=A&csrf=\(planted)".utf8),
                                                  headers: ["Cookie: csrf=\(planted)", "Content-Type: application/x-www-form-urlencoded"])
            #expect(reply.status == 403, "\(planted)")
        }
        #expect(try await office.store().agentSyncState().pending == 0)
        // A page answered to a planted cookie replaces it with a signed token.
        let page = try CurlHTTPClient().get(url: office.browser.base + "/", headers: ["Cookie: csrf=abc"])
        #expect(page.headers.contains { $0.0 == "set-cookie" && $0.1.hasPrefix("csrf=") && !$0.1.hasPrefix("csrf=abc") })
        // The genuine token still works.
        #expect(try office.browser.post("/sync", [:]).status == 303)
    }

    @Test("the screen on IPv6 loopback answers the browser's Host [::1]:PORT")
    func ipv6Loopback() async throws {
        let office = try await Office(web: "[::1]:0", host: "[::1]")
        #expect(try office.browser.get("/").status == 200)
        #expect(office.browser.lastPage.contains("4.1"))
        #expect(try office.browser.get("/", host: "attacker.example:\(office.browser.base.split(separator: ":").last!)").status == 421)
    }

    @Test("a screen beyond loopback needs saying so: refused without it, warned about with it")
    func remoteScreen() async throws {
        let setup = try DaemonTests.Setup()
        let hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB)
        defer { hub.stop() }
        try setup.initAgent(hub: hub)
        let refused = try setup.workspace.run(Binaries.agent, ["run", "--db", setup.agentDB, "--web", "0.0.0.0:0"])
        #expect(refused.status == 78, "\(refused.stderr)")
        #expect(refused.stderr.contains("--allow-remote-screen"))
        let office = try await Office(web: "0.0.0.0:0", arguments: ["--allow-remote-screen"])
        #expect(try office.browser.get("/").status == 200)
        // A name other than localhost is still refused: DNS rebinding comes through a name.
        #expect(try office.browser.get("/", host: "attacker.example:\(office.browser.base.split(separator: ":").last!)").status == 421)
        let log = (try? String(contentsOfFile: office.agent.stderrPath, encoding: .utf8)) ?? ""
        #expect(log.contains("listens beyond this machine"))
    }

    @Test("every page of the screen carries the security headers")
    func securityHeaders() async throws {
        let office = try await Office()
        try office.browser.get("/")
        let invalid = try office.browser.post("/progress", ["task": "4.1", "status": "done", "percent": "50", "by": "A"])
        var replies = [("POST /progress", invalid)]
        for path in ["/", "/?flash=progress", "/tasks/4.1", "/tasks/nope", "/equipment", "/history"] {
            replies.append((path, try office.browser.get(path)))
        }
        for (path, reply) in replies {
            #expect(reply.header("content-type") == "text/html; charset=utf-8", "\(path)")
            #expect(reply.header("content-security-policy") == "default-src 'self'; form-action 'self'; frame-ancestors 'none'", "\(path)")
            #expect(reply.header("x-content-type-options") == "nosniff", "\(path)")
        }
        #expect(invalid.status == 422)
    }

    @Test("the sync state shows the hub going down and coming back")
    func syncState() async throws {
        let office = try await Office()
        try office.browser.get("/")
        #expect(office.browser.lastPage.contains("Đang kết nối với huyện"))
        let port = office.hub.port
        #expect(office.hub.stop() == 0)
        try office.browser.post("/sync", [:])
        try await waitUntil { try office.browser.get("/").status == 200 && office.browser.lastPage.contains("Mất kết nối với huyện") }
        #expect(office.browser.lastPage.contains("Không kết nối được máy chủ huyện"))

        office.hub = try HubProcess(workspace: office.setup.workspace, db: office.setup.hubDB, port: port)
        try office.browser.post("/sync", [:])
        try await waitUntil { try office.browser.get("/").status == 200 && office.browser.lastPage.contains("Đang kết nối với huyện") }
    }
}
