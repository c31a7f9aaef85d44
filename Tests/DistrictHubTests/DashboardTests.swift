import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import SyncCore
import TestSupport
import Testing

@testable import district_hub

@Suite("Dashboard")
struct DashboardTests {
    /// A hub with two communes, a report with a hostile note, and a viewer account.
    func seed(_ store: HubStore) async throws {
        try await store.recordDistrict([
            FieldWrite(collection: "communes", record: "long-dong", field: "name", value: .text("Xã Long Đống")),
            FieldWrite(collection: "communes", record: "bac-quynh", field: "name", value: .text("Xã Bắc Quỳnh")),
            FieldWrite(collection: "tasks", record: "4.3", field: "communes", value: .text("*")),
            FieldWrite(collection: "tasks", record: "4.3", field: "title", value: .text("Kiểm tra máy tính, máy in, máy quét")),
            FieldWrite(collection: "tasks", record: "4.3", field: "deadline", value: .text("2023-04-30")),
            FieldWrite(collection: "tasks", record: "4.3", field: "index", value: .text("PAR")),
        ], actor: "test")
        let node = try await store.enroll(commune: "long-dong", name: nil, label: "desk")
        let note = "Thiếu máy quét <script>alert(1)</script>"
        let writes: [(String, FieldValue)] = [("status", .text("blocked")), ("percent", .int(50)), ("note", .text(note)), ("by", .text("Nguyễn Văn An"))]
        _ = try await store.exchange(SyncRequest(node: node.node, commune: "long-dong", clock: 0, cursor: 0, changes: writes.enumerated().map { index, write in
            PushedChange(seq: Int64(index + 1), collection: "progress", record: "long-dong/4.3", field: write.0, value: write.1,
                         hlc: HLC(wall: 1_000), actor: "Nguyễn Văn An")
        }), from: try await store.authenticate(token: node.token))
        try await store.addUser(name: "noivu", passwordHash: Bcrypt.hash("mật khẩu đủ dài", cost: 4), role: .viewer)
    }

    /// Runs `body` with a browser against a seeded hub, off the cooperative pool (libcurl blocks);
    /// `prepare` adds to the seeded store first, through its async API, which `body` cannot await.
    func browse(prepare: @escaping @Sendable (HubStore) async throws -> Void = { _ in },
                _ body: @escaping @Sendable (Browser) throws -> Void) async throws {
        try await withRunningHub { url, store in
            try await seed(store)
            try await prepare(store)
            let port = Int(url.split(separator: ":").last!)!
            try await runBlocking { try body(Browser(port: port)) }
        }
    }

    func signIn(_ browser: Browser) throws {
        try browser.get("/login")
        let reply = try browser.post("/login", ["user": "noivu", "password": "mật khẩu đủ dài"])
        #expect(reply.status == 303)
        #expect(reply.header("location") == "/")
    }

    @Test("every page but sign-in needs a session; a wrong password is refused")
    func signInRequired() async throws {
        try await browse { browser in
            for path in ["/", "/communes/long-dong", "/export/overview.csv"] {
                let reply = try browser.get(path)
                #expect(reply.status == 303 && reply.header("location") == "/login", "\(path)")
            }
            try browser.get("/login")
            #expect(browser.lastPage.contains("name=\"user\"") && browser.lastPage.contains("name=\"password\""))
            let wrong = try browser.post("/login", ["user": "noivu", "password": "sai mật khẩu rồi"])
            #expect(wrong.status == 401)
            #expect(browser.lastPage.contains("Sai tên đăng nhập hoặc mật khẩu"))
            let unknown = try browser.post("/login", ["user": "ai-do", "password": "mật khẩu đủ dài"])
            #expect(unknown.status == 401)
            try signIn(browser)
            #expect(try browser.get("/").status == 200)
            #expect(browser.lastPage.contains("Xã Long Đống") && browser.lastPage.contains("Gặp khó khăn 50%"))
            #expect(browser.lastPage.contains("Quá hạn"))
        }
    }

    @Test("the overview shows this year's plan by default, another year's when asked, with late marks of the plan shown")
    func plans() async throws {
        let year = CalendarDay(millis: Int64(Date().timeIntervalSince1970 * 1000)).year
        try await browse(prepare: { store in
            _ = try await store.copyPlan(from: 2023, to: year, shiftDeadlines: false, planSource: nil, actor: "test")
        }) { browser in
            try signIn(browser)
            try browser.get("/")
            #expect(browser.lastPage.contains("Kế hoạch năm \(year) ·") && browser.lastPage.contains("4.3-\(year)"))
            #expect(!browser.lastPage.contains("Quá hạn</strong>") && !browser.lastPage.contains("Gặp khó khăn 50%"))
            try browser.get("/?year=2023")
            #expect(browser.lastPage.contains("Gặp khó khăn 50%") && browser.lastPage.contains("Quá hạn"))
            #expect(!browser.lastPage.contains("4.3-\(year)"))
        }
    }

    @Test("an office's account reports on its office's tasks, with evidence files, and nothing else; the overview and its exports show them beside the communes'")
    func officeReports() async throws {
        try await browse(prepare: { store in
            try await store.recordDistrict([
                FieldWrite(collection: "tasks", record: "6.1", field: "communes", value: .text("[]")),
                FieldWrite(collection: "tasks", record: "6.1", field: "title", value: .text("Tổng hợp nhu cầu tập huấn")),
                FieldWrite(collection: "tasks", record: "6.1", field: "offices", value: .text(#"["Phòng Nội vụ"]"#)),
                FieldWrite(collection: "tasks", record: "6.1", field: "deadline", value: .text("2023-05-31")),
            ], actor: "test")
            await #expect(throws: SyncError.self) {
                try await store.addUser(name: "thieu", passwordHash: Bcrypt.hash("mật khẩu đủ dài", cost: 4), role: .office)
            }
            try await store.addUser(name: "noi-vu", passwordHash: Bcrypt.hash("mật khẩu phòng nội vụ", cost: 4), role: .office, office: "Phòng Nội vụ")
        }) { browser in
            try signIn(browser)
            #expect(try browser.get("/office").status == 403)
            try browser.post("/logout", [:])
            try browser.get("/login")
            #expect(try browser.post("/login", ["user": "noi-vu", "password": "mật khẩu phòng nội vụ"]).status == 303)
            #expect(try browser.get("/office").status == 200)
            #expect(browser.lastPage.contains("Tổng hợp nhu cầu tập huấn") && !browser.lastPage.contains("Kiểm tra máy tính"))
            #expect(try browser.post("/office/progress", ["task": "6.1", "status": "done", "percent": "80"]).status == 422)
            try browser.get("/office")
            #expect(try browser.post("/office/progress", ["task": "6.1", "status": "done", "note": "Đã tổng hợp 18 xã"]).status == 303)
            // Its evidence files: stored, listed under the task, opened by any signed-in account, removable.
            try browser.get("/office")
            let pdf = Data("%PDF-1.4\n% Kế hoạch tập huấn năm 2023\n".utf8)
            #expect(try browser.upload("/office/files", ["task": "6.1"], file: ("file", "Kế hoạch tập huấn.pdf", pdf)).status == 303)
            let pdfPath = FileManager.default.temporaryDirectory.appendingPathComponent("office-\(UUID().uuidString).pdf").path
            try pdf.write(to: URL(fileURLWithPath: pdfPath))
            defer { try? FileManager.default.removeItem(atPath: pdfPath) }
            let sha = try FileStore.sha256(ofFile: pdfPath)
            try browser.get("/office")
            #expect(browser.lastPage.contains("href=\"/files/\(sha)\">Kế hoạch tập huấn.pdf</a>"))
            let opened = try browser.get("/files/\(sha)")
            #expect(opened.status == 200 && opened.body == pdf)
            try browser.get("/office")
            #expect(try browser.upload("/office/files", ["task": "6.1"], file: ("file", "virus.exe", Data("MZ\u{90}".utf8))).status == 422)
            #expect(browser.lastPage.contains("Loại tệp không được chấp nhận"))
            try browser.get("/office")
            #expect(try browser.upload("/office/files", ["task": "4.3"], file: ("file", "a.pdf", pdf)).status == 403)
            try browser.get("/office")
            #expect(try browser.post("/office/files/remove", ["task": "6.1", "sha256": sha]).status == 303)
            try browser.get("/office")
            #expect(!browser.lastPage.contains("/files/\(sha)") && browser.lastPage.contains("Chưa có tệp."))
            #expect(try browser.get("/files/\(sha)").status == 404)
            #expect(try browser.post("/office/progress", ["task": "4.3", "status": "done"]).status == 403)
            #expect(try browser.get("/tasks/new").status == 403)
            try browser.get("/")
            #expect(browser.lastPage.contains("Nhiệm vụ của các phòng, ban") && browser.lastPage.contains("Phòng Nội vụ"))
            #expect(browser.lastPage.contains(#"<td class="cell status-done">Hoàn thành 100%</td>"#))
            // The exports carry the offices' rows after the communes'.
            let csv = String(decoding: try browser.get("/export/overview.csv").body, as: UTF8.self)
            #expect(csv.contains("phong-noi-vu,Phòng Nội vụ,6.1,Tổng hợp nhu cầu tập huấn,31/05/2023,Hoàn thành,100,,Đã tổng hợp 18 xã,,"), "\(csv)")
            try browser.get("/audit?collection=officeProgress")
            #expect(browser.lastPage.contains("Báo cáo của phòng, ban") && browser.lastPage.contains("Ghi chú: Đã tổng hợp 18 xã"))
            try browser.get("/audit?collection=officeAttachments")
            #expect(browser.lastPage.contains("Tệp minh chứng, nhiệm vụ 6.1: Tổng hợp nhu cầu tập huấn")
                && browser.lastPage.contains("Tên tệp: Kế hoạch tập huấn.pdf") && browser.lastPage.contains("Xóa: Có")
                && browser.lastPage.contains("Loại tệp: PDF"))
        }
    }

    @Test("forms without their CSRF token are refused")
    func csrf() async throws {
        try await browse { browser in
            try browser.get("/login")
            let forged = try browser.post("/login", ["user": "noivu", "password": "mật khẩu đủ dài"], csrf: "0")
            #expect(forged.status == 403)
            try signIn(browser)
            let logout = try browser.post("/logout", [:], csrf: "forged")
            #expect(logout.status == 403)
            #expect(try browser.get("/").status == 200)
            try browser.post("/logout", [:])
            #expect(try browser.get("/").status == 303)
        }
    }

    @Test("every dashboard page carries the security headers")
    func securityHeaders() async throws {
        try await browse { browser in
            func expectHeaders(_ reply: CurlHTTPClient.Reply, _ path: String) {
                #expect(reply.header("content-type") == "text/html; charset=utf-8", "\(path)")
                #expect(reply.header("content-security-policy") == "default-src 'self'; form-action 'self'; frame-ancestors 'none'", "\(path)")
                #expect(reply.header("x-content-type-options") == "nosniff", "\(path)")
                #expect(reply.header("referrer-policy") == "no-referrer", "\(path)")
            }
            expectHeaders(try browser.get("/login"), "/login")
            expectHeaders(try browser.post("/login", ["user": "noivu", "password": "sai mật khẩu rồi"]), "POST /login")
            try signIn(browser)
            for path in ["/", "/?status=blocked", "/communes/long-dong", "/communes/nowhere", "/tasks/4.3", "/tasks/nowhere", "/equipment", "/audit"] {
                let reply = try browser.get(path)
                expectHeaders(reply, path)
                #expect(reply.header("cache-control") == "no-store", "a signed-in page may not be cached: \(path)")
            }
            for path in ["/export/overview.csv", "/export/audit.csv"] {
                #expect(try browser.get(path).header("cache-control") == "no-store", "\(path)")
            }
        }
    }

    @Test("what officers typed is escaped; the commune page shows progress, nodes and the audit")
    func escaping() async throws {
        try await browse { browser in
            try signIn(browser)
            #expect(try browser.get("/communes/long-dong").status == 200)
            #expect(browser.lastPage.contains("Thiếu máy quét &lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!browser.lastPage.contains("<script>alert(1)"))
            #expect(browser.lastPage.contains("desk"))
            #expect(try browser.get("/communes/nowhere").status == 404)
        }
    }

    @Test("the audit pages through everything 500 fields at a time, newest first; its CSV and workbook hold the whole selection")
    func auditPagesAndFullExport() async throws {
        let reports = 1_234
        try await browse(prepare: { store in
            let node = try await store.enroll(commune: "bac-quynh", name: nil, label: nil)
            let identity = try await store.authenticate(token: node.token)
            for batch in 0..<(reports / 100 + 1) {
                let changes = (batch * 100..<min(reports, batch * 100 + 100)).map { index in
                    PushedChange(seq: Int64(index + 1), collection: "equipment", record: "bac-quynh/printer", field: "total",
                                 value: .int(Int64(index)), hlc: HLC(wall: 10_000 + Int64(index)), actor: "Hoàng Văn C")
                }
                _ = try await store.exchange(SyncRequest(node: node.node, commune: "bac-quynh", clock: 0, cursor: 0, changes: changes), from: identity)
            }
        }) { browser in
            try signIn(browser)
            var path: String? = "/audit?commune=bac-quynh"
            var seen: [String] = [], pages = 0
            let total = try Regex(#"Tổng số: (\d+)"#), next = try Regex(#"href="(/audit\?[^"]*after=\d+)""#)
            while let current = path, pages < 10 {
                #expect(try browser.get(current).status == 200)
                pages += 1
                seen += browser.lastPage.matches(of: total).map { String($0.output[1].substring!) }
                path = browser.lastPage.firstMatch(of: next).map { String($0.output[1].substring!).replacingOccurrences(of: "&amp;", with: "&") }
                if pages > 1 { #expect(browser.lastPage.contains("Về trang đầu")) }
            }
            #expect(pages == 3)
            #expect(seen == (0..<reports).reversed().map(String.init), "every check once, newest first")
            #expect(browser.lastPage.contains("Xã Bắc Quỳnh") && !browser.lastPage.contains("Trang sau"))

            // The checks and, oldest, the district's naming of the commune.
            let csv = String(decoding: try browser.get("/export/audit.csv?commune=bac-quynh").body, as: UTF8.self)
            let lines = csv.split(separator: "\r\n")
            #expect(lines.count == reports + 2)
            #expect(lines[1].contains("total=\(reports - 1)") && lines[reports].contains("total=0") && lines[reports + 1].contains("name=Xã Bắc Quỳnh"))

            // Streamed as it is written: no length known beforehand.
            let workbook = try browser.get("/export/audit.xlsx?commune=bac-quynh")
            #expect(workbook.header("content-length") == nil && workbook.status == 200)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("nhat-ky.xlsx")
            try workbook.body.write(to: file)
            let rows = try python("""
                import re, sys, zipfile
                with zipfile.ZipFile(sys.argv[1]) as z:
                    assert z.testzip() is None
                    sheet = z.read("xl/worksheets/sheet1.xml").decode()
                    workbook = z.read("xl/workbook.xml").decode()
                    shared = z.read("xl/sharedStrings.xml").decode()
                # The commune's name, on every row, is written once; the sheet names it only
                # in the naming's own cells (subject, details, raw fields).
                print(sheet.count("<row "), re.search(r"\\$A\\$1:\\$O\\$(\\d+)", workbook).group(1), "total=0" in sheet,
                      shared.count("Xã Bắc Quỳnh"), sheet.count("Xã Bắc Quỳnh"))
                """, file.path)
            #expect(rows == "\(reports + 2) \(reports + 2) True 1 3")
        }
    }

    @Test("the overview CSV starts with a BOM and round-trips Vietnamese; filters apply")
    func csvExport() async throws {
        try await browse { browser in
            try signIn(browser)
            let reply = try browser.get("/export/overview.csv")
            #expect(reply.status == 200)
            #expect(reply.header("content-type")?.hasPrefix("text/csv") == true)
            #expect(Array(reply.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: reply.body.dropFirst(3), as: UTF8.self)
            let lines = text.split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("Mã xã,Tên xã,Mã nhiệm vụ") == true)
            #expect(lines.count == 5)  // two communes × two tasks, and the header
            let longDong = try #require(lines.first { $0.hasPrefix("long-dong,") && $0.contains(",4.3,") })
            #expect(longDong.contains("Xã Long Đống") && longDong.contains("Gặp khó khăn") && longDong.contains(",50,Có,"))
            #expect(longDong.contains("Thiếu máy quét <script>alert(1)</script>"))
            let blocked = try browser.get("/export/overview.csv?status=blocked")
            #expect(String(decoding: blocked.body, as: UTF8.self).split(separator: "\r\n").count == 2)
            try browser.get("/?status=done")
            #expect(!browser.lastPage.contains("Xã Long Đống"))
        }
    }

    @Test("the periodic report: a period to choose, the printable page, the .docx; each table also as .xlsx")
    func periodicReportAndWorkbooks() async throws {
        try await browse { browser in
            #expect(try browser.get("/report.docx?period=2026-Q4").status == 303)
            try signIn(browser)
            #expect(try browser.get("/report").status == 200)
            #expect(browser.lastPage.contains("<select name=\"period\">") && browser.lastPage.contains("formaction=\"/report.docx\""))
            #expect(try browser.get("/report/print?period=2023").status == 200)
            #expect(browser.lastPage.contains("Kết quả thực hiện nhiệm vụ cải cách hành chính năm 2023"))
            #expect(browser.lastPage.contains("Xã Long Đống") && browser.lastPage.contains("/report/official.css"))
            #expect(!browser.lastPage.contains("<script>alert"))
            #expect(try browser.get("/report/official.css").header("content-type")?.hasPrefix("text/css") == true)
            let docx = try browser.get("/report.docx?period=2023-Q2")
            #expect(docx.status == 200 && Array(docx.body.prefix(2)) == [0x50, 0x4B])
            #expect(docx.header("content-disposition")?.contains("bao-cao-cchc-2023-Q2.docx") == true)
            #expect(try browser.get("/report.docx?period=2023-Q5").status == 400)
            for path in ["/export/overview.xlsx", "/export/equipment.xlsx", "/export/audit.xlsx"] {
                let reply = try browser.get(path)
                #expect(reply.status == 200 && Array(reply.body.prefix(2)) == [0x50, 0x4B], "\(path)")
                #expect(reply.header("content-type") == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "\(path)")
            }
            try browser.get("/")
            #expect(browser.lastPage.contains("href=\"/export/overview.xlsx\"") && browser.lastPage.contains("Tải Excel"))
        }
    }

    @Test("equipment readiness totals the purchase budget; the audit filters and shows lost writes beside the winner")
    func readinessAndAudit() async throws {
        try await browse(prepare: { store in
            let node = try await store.enroll(commune: "bac-quynh", name: nil, label: nil)
            let identity = try await store.authenticate(token: node.token)
            let equipment: [(String, String, FieldValue)] = [
                ("computer", "total", .int(4)), ("computer", "working", .int(3)), ("computer", "needed", .int(1)),
                ("computer", "cost", .int(15_000_000)), ("internet", "state", .text("down")),
            ]
            _ = try await store.exchange(SyncRequest(node: node.node, commune: "bac-quynh", clock: 0, cursor: 0, changes: equipment.enumerated().map { index, item in
                PushedChange(seq: Int64(index + 1), collection: "equipment", record: "bac-quynh/\(item.0)", field: item.1, value: item.2,
                             hlc: HLC(wall: 2_000), actor: "Hoàng Văn C")
            } + [PushedChange(seq: 6, collection: "progress", record: "long-dong/4.3", field: "note", value: .text("Ghi đè"),
                              hlc: HLC(wall: 1), actor: "Kẻ lạ")]), from: identity)
        }) { browser in
            try signIn(browser)
            #expect(try browser.get("/equipment").status == 200)
            #expect(browser.lastPage.contains("15.000.000 đ"))
            #expect(browser.lastPage.contains("3/4") && browser.lastPage.contains("Mất kết nối"))
            #expect(browser.lastPage.contains("<svg"))
            let csv = try browser.get("/export/equipment.csv")
            #expect(Array(csv.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(String(decoding: csv.body, as: UTF8.self).contains("bac-quynh,Xã Bắc Quỳnh,Máy tính,4,3,,1,15000000"))

            #expect(try browser.get("/audit?outcome=rejected").status == 200)
            #expect(browser.lastPage.contains("Bị từ chối") && browser.lastPage.contains("Kẻ lạ"))
            #expect(!browser.lastPage.contains("Hoàng Văn C"))
            try browser.get("/audit?commune=bac-quynh&collection=equipment&field=cost")
            #expect(browser.lastPage.contains("Dự toán: 15.000.000 đ") && !browser.lastPage.contains("Kẻ lạ"))
            try browser.get("/audit?collection=equipment")
            // One row per check, in words: the commune's name, the kind, each field's label and value.
            #expect(browser.lastPage.contains("2 lần ghi gần nhất (5 trường"))
            #expect(browser.lastPage.contains("Xã Bắc Quỳnh") && browser.lastPage.contains("Đường truyền: Mất kết nối"))
            #expect(browser.lastPage.contains("Tổng số: 4") && !browser.lastPage.contains("computer"))
            try browser.get("/audit?from=2000-01-01&to=2000-01-02")
            #expect(browser.lastPage.contains("0 lần ghi"))
            let auditCSV = try browser.get("/export/audit.csv?outcome=rejected")
            let lines = String(decoding: auditCSV.body, as: UTF8.self).split(separator: "\r\n")
            #expect(lines.count == 2 && lines[1].contains("Kẻ lạ") && lines[1].contains("Báo cáo tiến độ"))
            #expect(lines[1].contains(",bac-quynh,progress,long-dong/4.3,note=Ghi đè,rejected,"))
        }
    }

    @Test("behind HTTPS the dashboard's cookies are Secure; over HTTP they cannot be")
    func secureCookies() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("secure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try HubStore(path: directory.appendingPathComponent("hub.sqlite").path)
        for secure in [true, false] {
            let app = Application(router: buildRouter(store: store, metrics: HubMetrics(), secureCookies: secure))
            try await app.test(.router) { client in
                try await client.execute(uri: "/login", method: .get) { response in
                    let cookie = response.headers[values: .setCookie].joined(separator: "\n")
                    #expect(cookie.contains("HttpOnly"))
                    #expect(cookie.contains("Secure") == secure)
                }
            }
        }
    }

    @Test("a passphrase is checked whole, past bcrypt's 72 bytes; a blank or short one is refused; old hashes still verify")
    func passwords() {
        let passphrase = "Đường về xã Long Đống mùa lúa chín vàng, qua cầu treo, rẽ trái ở gốc đa"
        #expect(passphrase.utf8.count > 72)
        let differsLate = String(passphrase.dropLast()) + "x"
        let hash = DashboardPassword.hash(passphrase, cost: 4)
        #expect(DashboardPassword.verify(passphrase, hash: hash))
        #expect(!DashboardPassword.verify(differsLate, hash: hash))
        // A hash from before: plain bcrypt, which checks only the first 72 bytes.
        let legacy = Bcrypt.hash("mật khẩu cũ đủ dài", cost: 4)
        #expect(DashboardPassword.verify("mật khẩu cũ đủ dài", hash: legacy))
        #expect(!DashboardPassword.verify("mật khẩu khác", hash: legacy))
        #expect(DashboardPassword.refusal(String(repeating: " ", count: 12)) != nil)
        #expect(DashboardPassword.refusal("ngắn") != nil)
        #expect(DashboardPassword.refusal(passphrase) == nil)
    }

    @Test("CSV fields are quoted and formulas defused")
    func csvFields() {
        #expect(CSVLines.field("Xã Long Đống") == "Xã Long Đống")
        #expect(CSVLines.field("a, b") == "\"a, b\"")
        #expect(CSVLines.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVLines.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        // A quote with a combining mark is one grapheme, but still a quote to a CSV reader.
        #expect(CSVLines.field("Đã họp,\"\u{301},=2+3,x") == "\"Đã họp,\"\"\u{301},=2+3,x\"")
        #expect(CSVLines.field("\u{301}=2+3") == "'\u{301}=2+3")
        #expect(CSVLines.field("\tx") == "'\tx")
    }

    @Test("a CSV cell written in pieces is quoted and defused as the same text written whole")
    func csvPieces() {
        let alphabet = Array("=+-@,;\"'\t\n\r aZ0ăĐữ😀".unicodeScalars) + (0x300...0x30F).compactMap(Unicode.Scalar.init)
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let scalars = (0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            let cut = Int.random(in: 0...scalars.count, using: &random)
            let head = String(String.UnicodeScalarView(scalars[..<cut])), tail = String(String.UnicodeScalarView(scalars[cut...]))
            var whole = CSVLines(capacity: 64), pieces = CSVLines(capacity: 64)
            whole.cell("a")
            whole.cell(head + tail)
            whole.cell("7")
            whole.endRow()
            pieces.cell("a")
            pieces.beginText()
            pieces.piece(head)
            var bytes = tail
            bytes.withUTF8 { pieces.piece(utf8: $0) }
            pieces.endText()
            pieces.beginText()
            pieces.piece(decimal: 7)
            pieces.endText()
            pieces.endRow()
            #expect(pieces.buffer == whole.buffer, "\((head + tail).debugDescription)")
        }
    }

    @Test("random cells read back through Python's csv module exactly as written, formulas defused")
    func csvRoundTripThroughPython() throws {
        let alphabet = Array("=+-@,;\"'\t\n\r aZ0ăĐữ😀".unicodeScalars) + (0x300...0x30F).compactMap(Unicode.Scalar.init)
        var random = SystemRandomNumberGenerator()
        let rows = (0..<300).map { _ in
            (0..<4).map { _ in
                var scalars = String.UnicodeScalarView()
                for _ in 0..<Int.random(in: 0...12, using: &random) { scalars.append(alphabet.randomElement(using: &random)!) }
                return String(scalars)
            }
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("rows.csv")
        try Data(Export.csv(rows).readableBytesView).write(to: file)
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", """
            import csv, json, sys
            with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
                json.dump(list(csv.reader(f)), sys.stdout)
            """, file.path]
        let output = Pipe()
        python.standardOutput = output
        try python.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        python.waitUntilExit()
        let parsed = try #require(try JSONSerialization.jsonObject(with: data) as? [[String]])
        #expect(parsed.count == rows.count)
        for (written, read) in zip(rows, parsed) {
            let expected = written.map { cell -> [Unicode.Scalar] in
                let lead = cell.unicodeScalars.first { !(0x300...0x36F).contains($0.value) }
                let defused = lead.map { "=+-@\t\r".unicodeScalars.contains($0) } ?? false
                return Array(((defused ? "'" : "") + cell).unicodeScalars)
            }
            #expect(read.map { Array($0.unicodeScalars) } == expected, "\(written.map(\.debugDescription))")
        }
    }
}

@Suite("Dashboard: district actions")
struct DashboardAdminTests {
    @Test("an admin's forms without the session's CSRF token are refused and store nothing")
    func formsNeedTheToken() async throws {
        try await withRunningHub { url, store in
            try await DashboardTests().seed(store)
            try await store.addUser(name: "truong-phong", passwordHash: Bcrypt.hash("mật khẩu quản trị", cost: 4), role: .admin)
            let session = try await store.createSession(user: "truong-phong")
            let headers = ["Cookie: hub_session=\(session.token)", "Content-Type: application/x-www-form-urlencoded"]
            let task = "mode=create&id=9.1&title=X&communes=%2A", review = "commune=long-dong&task=4.3&decision=accepted"
            let forged = [("/tasks", task), ("/tasks", task + "&csrf="), ("/tasks", task + "&csrf=forged"),
                          ("/review", review), ("/review", review + "&csrf=forged"), ("/logout", ""), ("/logout", "csrf=forged")]
            let statuses = try await runBlocking {
                try forged.map { path, body in try CurlHTTPClient().post(url: url + path, body: Data(body.utf8), headers: headers).status }
            }
            #expect(statuses == Array(repeating: 403, count: forged.count))
            #expect(try await store.tasks().contains { $0.id == "9.1" } == false)
            #expect(try await store.fields(of: .progress, record: "long-dong/4.3")["review"] == nil)
            // The same forms with the token go through, so the session was not the reason.
            let accepted = try await runBlocking {
                try CurlHTTPClient().post(url: url + "/tasks", body: Data("\(task)&csrf=\(session.csrf)".utf8), headers: headers).status
            }
            #expect(accepted == 303)
        }
    }


    @Test("a viewer cannot reach admin actions; an admin's task and review are stored, stamped and audited")
    func adminOnly() async throws {
        try await withRunningHub { url, store in
            try await DashboardTests().seed(store)
            try await store.addUser(name: "truong-phong", passwordHash: Bcrypt.hash("mật khẩu quản trị", cost: 4), role: .admin)
            let port = Int(url.split(separator: ":").last!)!
            try await runBlocking {
                let viewer = Browser(port: port)
                try DashboardTests().signIn(viewer)
                #expect(try viewer.get("/tasks/new").status == 403)
                #expect(try viewer.post("/tasks", ["mode": "create", "id": "9.9", "title": "X", "communes": "*"]).status == 403)
                try viewer.get("/tasks/4.3")
                #expect(!viewer.lastPage.contains("name=\"decision\""))
                #expect(try viewer.post("/review", ["commune": "long-dong", "task": "4.3", "decision": "accepted"]).status == 403)

                let admin = Browser(port: port)
                try admin.get("/login")
                #expect(try admin.post("/login", ["user": "truong-phong", "password": "mật khẩu quản trị"]).status == 303)
                try admin.get("/tasks/new")
                let missing = try admin.post("/tasks", ["mode": "create", "id": "9.1", "title": "Báo cáo quý", "communes": "list"])
                #expect(missing.status == 422)
                #expect(admin.lastPage.contains("ít nhất một xã"))
                let created = try admin.post("/tasks", [
                    "mode": "create", "id": "9.1", "title": "Báo cáo kết quả quý IV", "deadline": "2026-12-31",
                    "index": "PAR", "communes": "list", "commune.long-dong": "1", "detail": "Gửi báo cáo <b>trước</b> ngày 31/12",
                ])
                #expect(created.status == 303 && created.header("location") == "/tasks/9.1")
                try admin.get("/tasks/new")
                let duplicate = try admin.post("/tasks", ["mode": "create", "id": "9.1", "title": "Lặp", "communes": "*"])
                #expect(duplicate.status == 422)
                try admin.get("/tasks/4.3")
                let returned = try admin.post("/review", ["commune": "long-dong", "task": "4.3", "decision": "returned",
                                                          "comment": "Bổ sung số quyết định"])
                #expect(returned.status == 303)
                // A review without its commune (4.3 is every commune's) is refused, not stored as "/4.3".
                try admin.get("/tasks/4.3")
                #expect(try admin.post("/review", ["commune": "", "task": "4.3", "decision": "accepted"]).status == 400)
                try admin.get("/tasks/4.3")
                #expect(try admin.post("/review", ["task": "4.3", "decision": "accepted"]).status == 400)
                #expect(try admin.get("/").status == 200)
            }
            #expect(try await store.records(of: .progress).keys.allSatisfy { !$0.hasPrefix("/") })
            let task = try #require(try await store.tasks().first { $0.id == "9.1" })
            #expect(task.assignment == .communes(["long-dong"]))
            #expect(task.deadline == "2026-12-31")
            #expect(task.detail == "Gửi báo cáo <b>trước</b> ngày 31/12")
            let review = try await store.fields(of: .progress, record: "long-dong/4.3")
            #expect(review["review"] == .text("returned") && review["review_note"] == .text("Bổ sung số quyết định"))
            #expect(review["reviewed_by"] == .text("truong-phong"))
            #expect(try await store.audit().contains { $0.record == "9.1" && $0.actor == "truong-phong" && $0.outcome == .applied })
        }
    }
}
