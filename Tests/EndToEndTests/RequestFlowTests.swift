import Foundation
import SyncCore
import TestSupport
import Testing

/// Proposals and training sign-up through the real binaries and both screens.
@Suite("Proposals and training sign-up, with the real binaries", .serialized)
struct RequestFlowTests {
    @Test("a proposal with its file and training requests go up offline-first; the answer and a session come back to the communes concerned")
    func commandLines() throws {
        let district = try AssessmentFlowTests.District(communes: ["bac-quynh"])
        let workspace = district.setup.workspace
        let letter = workspace.path("Công văn 12.pdf")
        try AttachmentTests.makePDF(letter, size: 20_000, seed: 11)
        try district.agent("long-dong", ["propose", "--topic", "Dịch vụ công trực tuyến", "--text", "Đường truyền yếu, người dân không nộp được hồ sơ",
                                         "--office", "Phòng Văn hóa và Thông tin", "--attach", letter, "--by", "Nguyễn Văn An"])
        let empty = try workspace.run(Binaries.agent, ["propose", "--db", district.agents["long-dong"]!, "--topic", " ", "--text", "x", "--by", "An"])
        #expect(empty.status == 65 && empty.stderr.contains("Chủ đề: không được để trống"))
        let none = try workspace.run(Binaries.agent, ["training", "--db", district.agents["long-dong"]!, "--topic", "PAR INDEX", "--people", "0", "--by", "An"])
        #expect(none.status == 65 && none.stderr.contains("Số người"))
        try district.agent("long-dong", ["training", "--topic", "Dịch vụ công trực tuyến", "--people", "3", "--names", "An, Bình, Cường",
                                         "--period", "Quý I/2027", "--by", "Nguyễn Văn An"])
        try district.agent("bac-quynh", ["training", "--topic", "dịch vụ công trực tuyến", "--people", "2", "--by", "Hoàng Thị Bình"])
        #expect(try district.sync(district.agents["long-dong"]!).contains("Đã gửi 1 tệp minh chứng"))
        try district.sync(district.agents["bac-quynh"]!)

        let proposals = try workspace.json(Binaries.hub, ["proposals", "--db", district.setup.hubDB, "--json"]) as? [[String: Any]] ?? []
        let proposal = try #require(proposals.first)
        #expect(proposals.count == 1)
        #expect(proposal["commune"] as? String == "long-dong" && proposal["state"] as? String == "new" && proposal["answer"] is NSNull)
        #expect(proposal["attachments"] as? [String] == [try FileStore.sha256(ofFile: letter)])
        let id = try #require(proposal["id"] as? String)
        _ = try district.hubCLI(["proposals", "--commune", "long-dong", "--answer", id, "--text", "Huyện đã đề nghị VNPT nâng cấp", "--by", "Phòng VH-TT"])
        let training = try workspace.json(Binaries.hub, ["training", "--db", district.setup.hubDB, "--json"]) as? [String: Any]
        let demand = (training?["demand"] as? [[String: Any]])?.first
        #expect(demand?["people"] as? Int == 5 && demand?["communes"] as? [String] == ["bac-quynh", "long-dong"])
        _ = try district.hubCLI(["training", "--plan", "--topic", "Dịch vụ công trực tuyến", "--date", "2027-01-15",
                                 "--place", "Hội trường UBND huyện", "--communes", "long-dong", "--by", "Phòng Nội vụ"])

        for commune in ["long-dong", "bac-quynh"] { try district.sync(district.agents[commune]!) }
        let mine = try workspace.json(Binaries.agent, ["inbox", "--db", district.agents["long-dong"]!, "--json"]) as? [String: Any]
        let answered = (mine?["proposals"] as? [[String: Any]])?.first
        #expect(answered?["state"] as? String == "answered" && answered?["answer"] as? String == "Huyện đã đề nghị VNPT nâng cấp")
        #expect((mine?["sessions"] as? [[String: Any]])?.first?["place"] as? String == "Hội trường UBND huyện")
        #expect((mine?["training"] as? [[String: Any]])?.first?["state"] as? String == "planned")
        let theirs = try workspace.json(Binaries.agent, ["inbox", "--db", district.agents["bac-quynh"]!, "--json"]) as? [String: Any]
        #expect((theirs?["sessions"] as? [Any])?.isEmpty == true)
        #expect((theirs?["training"] as? [[String: Any]])?.first?["state"] as? String == "new")
        #expect(try district.agent("long-dong", ["inbox"]).contains("Huyện trả lời: Huyện đã đề nghị VNPT nâng cấp"))
    }

    @Test("on the officer's screen a proposal with a file and a sign-up; on the dashboard the inbox answered and a session planned; both back on the screen")
    func screens() async throws {
        let district = try AssessmentFlowTests.District()
        let (daemon, officer) = try await startOfficerScreen(workspace: district.setup.workspace, db: district.setup.agentDB)
        defer { daemon.stop() }
        try await waitUntil(timeout: 90) { try officer.get("/requests").status == 200 }
        #expect(officer.lastPage.contains("Xã chưa gửi kiến nghị nào."))
        let scan = district.setup.workspace.path("scan.pdf")
        try AttachmentTests.makePDF(scan, size: 10_000, seed: 5)
        let sent = try officer.upload("/proposals", ["topic": "Kinh phí thiết bị", "text": "Thiếu kinh phí mua máy quét",
                                                     "office": "Phòng Tài chính - Kế hoạch", "by": "Nguyễn Văn An"],
                                      file: ("file", "Tờ trình.pdf", try Data(contentsOf: URL(fileURLWithPath: scan))))
        #expect(sent.status == 303)
        try officer.get("/requests")
        #expect(try officer.post("/training", ["topic": "Chỉ số cải cách hành chính (PAR INDEX)", "people": "abc", "by": "Nguyễn Văn An"]).status == 422)
        #expect(officer.lastPage.contains("Số người tham gia phải là số nguyên"))
        #expect(try officer.post("/training", ["topic": "Chỉ số cải cách hành chính (PAR INDEX)", "people": "4", "by": "Nguyễn Văn An"]).status == 303)
        try await waitUntil(timeout: 60) {
            let proposals = try district.setup.workspace.json(Binaries.hub, ["proposals", "--db", district.setup.hubDB, "--json"]) as? [[String: Any]]
            let training = try district.setup.workspace.json(Binaries.hub, ["training", "--db", district.setup.hubDB, "--json"]) as? [String: Any]
            return proposals?.count == 1 && (training?["demand"] as? [Any])?.count == 1
        }

        let password = district.setup.workspace.path("password")
        try "mật khẩu phòng nội vụ\n".write(toFile: password, atomically: true, encoding: .utf8)
        _ = try district.hubCLI(["user", "add", "--user", "noi-vu", "--role", "admin", "--password-file", password])
        let staff = Browser(port: district.hub.port)
        try staff.get("/login")
        #expect(try staff.post("/login", ["user": "noi-vu", "password": "mật khẩu phòng nội vụ"]).status == 303)
        #expect(try staff.get("/proposals?office=Ph%C3%B2ng%20T%C3%A0i%20ch%C3%ADnh%20-%20K%E1%BA%BF%20ho%E1%BA%A1ch").status == 200)
        #expect(staff.lastPage.contains("Thiếu kinh phí mua máy quét") && staff.lastPage.contains("Tờ trình.pdf"))
        let id = try #require(staff.lastPage.range(of: #"name="id" value=""#).map { String(staff.lastPage[$0.upperBound...].prefix { $0 != "\"" }) })
        #expect(try staff.post("/proposals/answer", ["commune": "long-dong", "id": id, "state": "answered", "answer": ""]).status == 422)
        try staff.get("/proposals")
        #expect(try staff.post("/proposals/answer", ["commune": "long-dong", "id": id, "state": "answered",
                                                     "answer": "Huyện bố trí kinh phí trong quý I"]).status == 303)
        // The answer's report carries no topic; the audit names the proposal by it all the same.
        #expect(try staff.get("/audit?collection=proposals").status == 200)
        #expect(staff.lastPage.contains("Kinh phí thiết bị") && !staff.lastPage.contains("mã \(id)"))
        #expect(try staff.get("/export/audit.csv?collection=proposals").status == 200)
        let rows = staff.lastPage.split(separator: "\r\n").dropFirst()
        #expect(rows.count >= 2 && rows.allSatisfy { $0.contains(",Kinh phí thiết bị,") }, "\(rows)")
        #expect(try staff.get("/training").status == 200)
        #expect(staff.lastPage.contains("Chỉ số cải cách hành chính (PAR INDEX)"))
        #expect(try staff.post("/training/sessions", ["topic": "Chỉ số cải cách hành chính (PAR INDEX)", "date": "2027-02-20",
                                                      "place": "Hội trường UBND huyện", "commune.long-dong": "1"]).status == 303)
        // The report that places the request in the session carries the session's id; the
        // audit names the session by its topic, day and place.
        let placed = "Lớp đã xếp: Chỉ số cải cách hành chính (PAR INDEX) (20/02/2027, Hội trường UBND huyện)"
        #expect(try staff.get("/audit?collection=training").status == 200)
        #expect(staff.lastPage.contains(placed))
        #expect(try staff.get("/export/audit.csv?collection=training").status == 200)
        #expect(staff.lastPage.contains(placed), "\(staff.lastPage)")
        // The communes invited by their names, not their codes.
        #expect(try staff.get("/audit?collection=sessions").status == 200)
        #expect(staff.lastPage.contains("Xã được mời: Xã Long Đống") && !staff.lastPage.contains("long-dong</li>"))

        try officer.get("/requests")
        try officer.post("/sync", [:])
        try await waitUntil(timeout: 60) {
            try officer.get("/requests").status == 200 && officer.lastPage.contains("Huyện bố trí kinh phí trong quý I")
        }
        #expect(officer.lastPage.contains("20/02/2027"))
        #expect(officer.lastPage.contains("Đã xếp lớp"))
    }
}
