import Foundation
import SyncCore
import TestSupport
import Testing

/// The commune PAR INDEX through the real binaries: scored offline with evidence, submitted,
/// appraised and returned, corrected, appraised, ranked; on the CLIs and on both screens.
@Suite("PAR INDEX self-assessment, with the real binaries", .serialized)
struct AssessmentFlowTests {
    /// Two areas, five sub-criteria, 10 points; 1.1.1 needs evidence.
    static let criteria = """
        {"title": "Bộ tiêu chí thử nghiệm", "criteria": [
          {"id": "1", "title": "Chỉ đạo, điều hành", "max": 4, "criteria": [
            {"id": "1.1", "title": "Kế hoạch và báo cáo", "max": 3, "criteria": [
              {"id": "1.1.1", "title": "Ban hành kế hoạch CCHC năm", "max": 1, "evidence": true, "step": 0.5},
              {"id": "1.1.2", "title": "Báo cáo CCHC định kỳ", "max": 2, "step": 0.5, "guidance": "Đủ 4 báo cáo quý: 2 điểm"}]},
            {"id": "1.2", "title": "Tuyên truyền CCHC", "max": 1}]},
          {"id": "2", "title": "Thủ tục hành chính", "max": 6, "criteria": [
            {"id": "2.1", "title": "Công khai thủ tục", "max": 2.5, "step": 0.5},
            {"id": "2.2", "title": "Hồ sơ giải quyết đúng hạn", "max": 3.5, "step": 0.5}]}]}
        """

    /// A hub store with the communes, the tasks and the 2026 set, and a node of each commune
    /// given (the first is `setup`'s, long-dong's).
    final class District {
        let setup: DaemonTests.Setup
        var hub: HubProcess
        /// Store and token file of each further node, by commune.
        var agents: [String: String] = ["long-dong": ""]

        init(communes: [String] = []) throws {
            setup = try DaemonTests.Setup()
            let workspace = setup.workspace
            try workspace.succeed(Binaries.hub, ["communes", "import", "--db", setup.hubDB, Binaries.config.appendingPathComponent("communes.json").path])
            let path = workspace.path("criteria.json")
            try AssessmentFlowTests.criteria.write(toFile: path, atomically: true, encoding: .utf8)
            let imported = try workspace.succeed(Binaries.hub, ["criteria", "import", "--db", setup.hubDB, "--year", "2026", path])
            #expect(imported.contains("version 1 imported (2 areas, 5 sub-criteria, 10 points)"))
            agents["long-dong"] = setup.agentDB
            var tokens: [String: String] = [:]
            for commune in communes {
                tokens[commune] = workspace.path("\(commune).token")
                try workspace.succeed(Binaries.hub, ["enroll", "--db", setup.hubDB, "--commune", commune, "--token-file", tokens[commune]!])
            }
            hub = try HubProcess(workspace: workspace, db: setup.hubDB)
            try setup.initAgent(hub: hub)
            for commune in communes {
                agents[commune] = workspace.path("\(commune).sqlite")
                try workspace.succeed(Binaries.agent, ["init", "--db", agents[commune]!, "--hub", hub.url, "--commune", commune,
                                                       "--token-file", tokens[commune]!])
            }
            for db in agents.values { try sync(db) }
        }

        deinit { hub.stop() }

        @discardableResult
        func sync(_ db: String) throws -> String { try setup.workspace.succeed(Binaries.agent, ["sync", "--db", db]) }

        @discardableResult
        func agent(_ commune: String, _ arguments: [String]) throws -> String {
            try setup.workspace.succeed(Binaries.agent, arguments + ["--db", agents[commune]!])
        }

        /// Scores as `Nguyễn Văn An` of the commune, each sub-criterion with an explanation.
        func score(_ commune: String, _ scores: [(String, String)]) throws {
            for (criterion, score) in scores {
                try agent(commune, ["assess", criterion, "--score", score, "--explain", "Theo báo cáo năm", "--by", "Nguyễn Văn An"])
            }
        }

        func hubCLI(_ arguments: [String]) throws -> String {
            try setup.workspace.succeed(Binaries.hub, arguments + ["--db", setup.hubDB])
        }

        /// `district-hub assessment --json` by commune code.
        func atHub() throws -> [String: [String: Any]] {
            let list = try setup.workspace.json(Binaries.hub, ["assessment", "--db", setup.hubDB, "--year", "2026", "--json"]) as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: list.map { ($0["code"] as? String ?? "", $0) })
        }

        func atAgent(_ commune: String) throws -> [String: Any] {
            try setup.workspace.json(Binaries.agent, ["assessment", "--db", agents[commune]!, "--json"]) as? [String: Any] ?? [:]
        }
    }

    static func criterion(_ assessment: [String: Any], _ id: String) -> [String: Any] {
        (assessment["criteria"] as? [String: [String: Any]])?[id] ?? [:]
    }

    @Test("scored offline with evidence, submitted, returned on one criterion, corrected while the district appraised it, resubmitted, appraised and ranked with ties shared")
    func yearlyCycle() async throws {
        let district = try District(communes: ["bac-quynh", "tt-bac-son"])
        let workspace = district.setup.workspace
        let longDong = district.agents["long-dong"]!

        // Offline: the hub is down while Long Đống scores and submits.
        let port = district.hub.port
        #expect(district.hub.stop() == 0)
        let scan = workspace.path("Kế hoạch CCHC 2026.pdf")
        try AttachmentTests.makePDF(scan, size: 40_000, seed: 7)
        let refusedScore = try workspace.run(Binaries.agent, ["assess", "1.1.2", "--db", longDong, "--score", "1,25", "--by", "An"])
        #expect(refusedScore.status == 65 && refusedScore.stderr.contains("bội số của 0,5"))
        let unknown = try workspace.run(Binaries.agent, ["assess", "3.1", "--db", longDong, "--score", "1", "--by", "An"])
        #expect(unknown.status == 65 && unknown.stderr.contains("unknown_criterion"))
        let unsupported = try workspace.run(Binaries.agent, ["assess", "1.1.1", "--db", longDong, "--score", "1", "--by", "An"])
        #expect(unsupported.status == 65 && unsupported.stderr.contains("tài liệu kiểm chứng"))
        try district.agent("long-dong", ["assess", "1.1.1", "--score", "1", "--attach", scan, "--by", "Nguyễn Văn An"])
        let early = try workspace.run(Binaries.agent, ["assessment", "--db", longDong, "--submit", "--by", "Nguyễn Văn An"])
        #expect(early.status == 65 && early.stderr.contains("Còn 4 tiêu chí chưa chấm điểm"))
        try district.score("long-dong", [("1.1.2", "1,5"), ("1.2", "1"), ("2.1", "2.5"), ("2.2", "3")])
        #expect(try district.agent("long-dong", ["assessment", "--submit", "--by", "Nguyễn Văn An"]).contains("9 điểm"))
        let closed = try workspace.run(Binaries.agent, ["assess", "2.2", "--db", longDong, "--score", "3.5", "--by", "An"])
        #expect(closed.status == 65 && closed.stderr.contains("assessment_closed"))

        district.hub = try HubProcess(workspace: workspace, db: district.setup.hubDB, port: port)
        #expect(try district.sync(longDong).contains("Đã gửi 1 tệp minh chứng"))
        var hub = try district.atHub()
        #expect(hub["long-dong"]?["state"] as? String == "submitted")
        #expect(hub["long-dong"]?["selfTotal"] as? Double == 9)
        #expect(Self.criterion(hub["long-dong"]!, "1.1.1")["attachments"] as? [String] == [try FileStore.sha256(ofFile: scan)])
        #expect(hub["bac-quynh"]?["state"] as? String == "draft")
        #expect(hub["bac-quynh"]?["appraisedTotal"] is NSNull)

        // The district lowers 1.1.2 and returns the assessment; the commune sees why.
        let refusedAppraisal = try workspace.run(Binaries.hub, ["appraise", "1.1.2", "--db", district.setup.hubDB, "--year", "2026",
                                                               "--commune", "bac-quynh", "--score", "1", "--by", "Tổ thẩm định"])
        #expect(refusedAppraisal.status == 65 && refusedAppraisal.stderr.contains("assessment_closed"))
        _ = try district.hubCLI(["appraise", "1.1.2", "--year", "2026", "--commune", "long-dong", "--score", "1",
                                 "--comment", "Thiếu báo cáo quý I", "--by", "Tổ thẩm định"])
        _ = try district.hubCLI(["assessment", "--year", "2026", "--commune", "long-dong", "--decision", "returned",
                                 "--comment", "Bổ sung báo cáo quý I", "--by", "Tổ thẩm định"])
        try district.sync(longDong)
        var mine = try district.atAgent("long-dong")
        #expect(mine["state"] as? String == "returned")
        #expect(mine["decisionNote"] as? String == "Bổ sung báo cáo quý I")
        #expect(Self.criterion(mine, "1.1.2")["appraised"] as? Double == 1)
        #expect(Self.criterion(mine, "1.1.2")["comment"] as? String == "Thiếu báo cáo quý I")
        #expect(try district.agent("long-dong", ["assessment"]).contains("1.1.2: thẩm định 1 (tự chấm 1,5) — Thiếu báo cáo quý I"))

        // At the same time: the commune corrects 1.1.2 offline, the district re-appraises it.
        try district.agent("long-dong", ["assess", "1.1.2", "--score", "2", "--explain", "Đã bổ sung báo cáo quý I", "--by", "Lê Thị Bình"])
        _ = try district.hubCLI(["appraise", "1.1.2", "--year", "2026", "--commune", "long-dong", "--score", "1.5",
                                 "--comment", "Báo cáo quý I nộp muộn", "--by", "Tổ thẩm định"])
        try district.sync(longDong)
        for side in [Self.criterion(try district.atHub()["long-dong"]!, "1.1.2"), Self.criterion(try district.atAgent("long-dong"), "1.1.2")] {
            #expect(side["self"] as? Double == 2)
            #expect(side["explain"] as? String == "Đã bổ sung báo cáo quý I")
            #expect(side["appraised"] as? Double == 1.5)
            #expect(side["comment"] as? String == "Báo cáo quý I nộp muộn")
        }
        try district.agent("long-dong", ["assessment", "--submit", "--by", "Nguyễn Văn An"])
        try district.sync(longDong)
        _ = try district.hubCLI(["assessment", "--year", "2026", "--commune", "long-dong", "--decision", "appraised", "--by", "Tổ thẩm định"])

        // Two more communes, to a tie: 8.5 appraised down to 8, and 8 as scored.
        try district.score("bac-quynh", [("1.1.1", "1"), ("1.1.2", "2"), ("1.2", "1"), ("2.1", "2.5"), ("2.2", "2")])
        try district.score("tt-bac-son", [("1.1.1", "0.5"), ("1.1.2", "2"), ("1.2", "1"), ("2.1", "2"), ("2.2", "2.5")])
        for commune in ["bac-quynh", "tt-bac-son"] {
            try district.agent(commune, ["assessment", "--submit", "--by", "Vi Thị Dung"])
            try district.sync(district.agents[commune]!)
        }
        _ = try district.hubCLI(["appraise", "2.2", "--year", "2026", "--commune", "bac-quynh", "--score", "1.5", "--by", "Tổ thẩm định"])
        for commune in ["bac-quynh", "tt-bac-son"] {
            _ = try district.hubCLI(["assessment", "--year", "2026", "--commune", commune, "--decision", "appraised", "--by", "Tổ thẩm định"])
        }

        // By hand: Long Đống 1 + 1.5 + 1 + 2.5 + 3 = 9 (self 9.5); Bắc Quỳnh 8.5 − 0.5 = 8; TT Bắc Sơn 8.
        hub = try district.atHub()
        let expected: [(String, Double, Double, Int)] = [("long-dong", 9.5, 9, 1), ("bac-quynh", 8.5, 8, 2), ("tt-bac-son", 8, 8, 2)]
        for (code, selfTotal, appraised, rank) in expected {
            #expect(hub[code]?["state"] as? String == "appraised")
            #expect(hub[code]?["selfTotal"] as? Double == selfTotal)
            #expect(hub[code]?["appraisedTotal"] as? Double == appraised)
            #expect(hub[code]?["rank"] as? Int == rank)
            try district.sync(district.agents[code]!)
            mine = try district.atAgent(code)
            #expect(mine["rank"] as? Int == rank)
            #expect(mine["appraisedTotal"] as? Double == appraised)
        }
        #expect(hub["chien-thang"]?["rank"] is NSNull)
        #expect(try district.hubCLI(["assessment", "--year", "2026", "--commune", "tt-bac-son"]).contains("xếp hạng: 2"))

        // The dashboard ranks and charts the appraised totals; the commune's screen shows its rank.
        let password = workspace.path("password")
        try "mật khẩu người xem\n".write(toFile: password, atomically: true, encoding: .utf8)
        _ = try district.hubCLI(["user", "add", "--user", "xem", "--role", "viewer", "--password-file", password])
        let staff = Browser(port: district.hub.port)
        try staff.get("/login")
        #expect(try staff.post("/login", ["user": "xem", "password": "mật khẩu người xem"]).status == 303)
        #expect(try staff.get("/assessment?year=2026").status == 200)
        #expect(staff.lastPage.contains("<svg") && staff.lastPage.contains("9/10 điểm"))
        #expect(staff.lastPage.contains(#"<td class="num"><strong>8</strong></td>\#n<td class="num">2</td>"#))
        let (daemon, officer) = try await startOfficerScreen(workspace: workspace, db: longDong)
        defer { daemon.stop() }
        try await waitUntil(timeout: 90) { try officer.get("/assessment").status == 200 }
        #expect(officer.lastPage.contains("Xếp hạng <strong>1</strong>") && officer.lastPage.contains("Đã thẩm định"))

        // Every score change is audited with who made it.
        let audit = try workspace.json(Binaries.hub, ["audit", "--db", district.setup.hubDB, "--json"]) as? [[String: Any]] ?? []
        let changes = audit.filter { $0["record"] as? String == "long-dong/2026/1.1.2" && ["score", "appraised"].contains($0["field"] as? String) }
        #expect(changes.map { $0["actor"] as? String } == ["Nguyễn Văn An", "Tổ thẩm định", "Tổ thẩm định", "Lê Thị Bình"])
    }

    @Test("on the officer's screen: areas, scores checked in the store, evidence uploaded, submit; on the dashboard: results, the appraisal page, appraisal and return, CSV; the comment back on the screen")
    func screens() async throws {
        let district = try District()
        let workspace = district.setup.workspace
        let (daemon, officer) = try await startOfficerScreen(workspace: district.setup.workspace, db: district.setup.agentDB)
        defer { daemon.stop() }
        try await waitUntil(timeout: 90) { try officer.get("/assessment").status == 200 && officer.lastPage.contains("Thủ tục hành chính") }
        #expect(officer.lastPage.contains("Đang tự chấm"))
        #expect(try officer.get("/assessment/areas/1?year=2026").status == 200)
        #expect(officer.lastPage.contains("Đủ 4 báo cáo quý: 2 điểm"))
        #expect(officer.lastPage.contains(#"step="0.5""#))

        func score(_ id: String, _ value: String, explain: String = "", file: (String, Data)? = nil) throws -> CurlHTTPClient.Reply {
            try officer.get("/assessment/areas/\(id.prefix(1))?year=2026")
            return try officer.upload("/assessment/score", ["year": "2026", "criterion": id, "score": value, "explain": explain, "by": "Nguyễn Văn An"],
                                      file: ("file", file?.0 ?? "", file?.1 ?? Data()))
        }
        let over = try score("1.1.2", "2,5", explain: "Đủ báo cáo")
        #expect(over.status == 422)
        #expect(officer.lastPage.contains("phải từ 0 đến 2"))
        #expect(try score("1.1.1", "1").status == 422)
        #expect(officer.lastPage.contains("cần tài liệu kiểm chứng"))
        let scan = workspace.path("scan.pdf")
        try AttachmentTests.makePDF(scan, size: 30_000, seed: 3)
        #expect(try score("1.1.1", "1", file: ("Kế hoạch.pdf", try Data(contentsOf: URL(fileURLWithPath: scan)))).status == 303)
        for (id, value) in [("1.1.2", "1,5"), ("1.2", "1"), ("2.1", "2.5"), ("2.2", "3")] {
            #expect(try score(id, value, explain: "Giải trình \(id)").status == 303)
        }
        try officer.get("/assessment/areas/1?year=2026")
        #expect(officer.lastPage.contains("Kế hoạch.pdf"))
        try officer.get("/assessment?year=2026")
        #expect(try officer.post("/assessment/submit", ["year": "2026", "by": "Nguyễn Văn An"]).status == 303)
        try await waitUntil(timeout: 60) {
            (try district.atHub()["long-dong"]?["state"] as? String) == "submitted"
        }

        // The dashboard: an admin appraises 1.1.2 lower and returns the assessment.
        let password = workspace.path("password")
        try "mật khẩu tổ thẩm định\n".write(toFile: password, atomically: true, encoding: .utf8)
        _ = try district.hubCLI(["user", "add", "--user", "tham-dinh", "--role", "admin", "--password-file", password])
        let staff = Browser(port: district.hub.port)
        try staff.get("/login")
        #expect(try staff.post("/login", ["user": "tham-dinh", "password": "mật khẩu tổ thẩm định"]).status == 303)
        #expect(try staff.get("/assessment").status == 200)
        #expect(staff.lastPage.contains("Xã Long Đống") && staff.lastPage.contains("Đã nộp, chờ thẩm định"))
        #expect(try staff.get("/assessment/communes/long-dong?year=2026").status == 200)
        #expect(staff.lastPage.contains("Giải trình 2.2") && staff.lastPage.contains("Kế hoạch.pdf"))
        let appraised = try staff.post("/assessment/appraise", ["commune": "long-dong", "year": "2026", "score.1.1.2": "1",
                                                                "comment.1.1.2": "Thiếu báo cáo quý I", "score.2.2": "3"])
        #expect(appraised.status == 303)
        try staff.get("/assessment/communes/long-dong?year=2026")
        #expect(staff.lastPage.contains(#"<tr id="c-1.1.2" class="differs">"#))
        #expect(staff.lastPage.contains("Lịch sử (2)"))
        #expect(try staff.post("/assessment/decide", ["commune": "long-dong", "year": "2026", "decision": "returned", "note": ""]).status == 422)
        try staff.get("/assessment/communes/long-dong?year=2026")
        #expect(try staff.post("/assessment/decide", ["commune": "long-dong", "year": "2026", "decision": "returned",
                                                      "note": "Bổ sung báo cáo quý I"]).status == 303)
        let csv = try staff.get("/assessment.csv?year=2026")
        #expect(csv.status == 200)
        #expect(String(decoding: csv.body, as: UTF8.self).contains("long-dong,Xã Long Đống,Huyện trả lại để bổ sung"))
        let fields = try workspace.json(Binaries.hub, ["assessment", "--db", district.setup.hubDB, "--year", "2026", "--commune", "long-dong", "--json"]) as? [[String: Any]]
        #expect(Self.criterion(fields?.first ?? [:], "2.2")["appraised"] is NSNull)

        // Back on the officer's screen after a sync: the note, the comment, and the forms again.
        try officer.get("/assessment")
        try officer.post("/sync", [:])
        try await waitUntil(timeout: 60) {
            try officer.get("/assessment?year=2026").status == 200 && officer.lastPage.contains("Bổ sung báo cáo quý I")
        }
        #expect(officer.lastPage.contains("Huyện trả lại để bổ sung"))
        try officer.get("/assessment/areas/1?year=2026")
        #expect(officer.lastPage.contains("Thiếu báo cáo quý I"))
        #expect(officer.lastPage.contains("Lưu tiêu chí 1.1.2"))
    }
}
