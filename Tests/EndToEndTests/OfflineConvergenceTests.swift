import Foundation
import SyncCore
import Testing

@Suite("End to end with the real binaries", .serialized)
struct OfflineConvergenceTests {
    /// Enrolls a node and writes its token (the last line `enroll` prints) to a file.
    func enroll(_ workspace: Workspace, hubDB: String, commune: String, label: String) throws -> String {
        let output = try workspace.succeed(Binaries.hub, ["enroll", "--db", hubDB, "--commune", commune, "--label", label])
        let token = try #require(output.split(separator: "\n").last.map(String.init))
        let file = workspace.path("\(label).token")
        try token.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("edits made while the hub is down converge after it returns; the loser is audited; scope holds")
    func offlineEditsConverge() throws {
        let workspace = try Workspace()
        let hubDB = workspace.path("hub.sqlite")
        try workspace.succeed(Binaries.hub, ["communes", "import", "--db", hubDB, Binaries.config.appendingPathComponent("communes.json").path])
        try workspace.succeed(Binaries.hub, ["tasks", "import", "--db", hubDB, Binaries.config.appendingPathComponent("tasks.json").path])
        let deskToken = try enroll(workspace, hubDB: hubDB, commune: "long-dong", label: "desk")
        let laptopToken = try enroll(workspace, hubDB: hubDB, commune: "long-dong", label: "laptop")
        let otherToken = try enroll(workspace, hubDB: hubDB, commune: "bac-quynh", label: "other")

        var hub = try HubProcess(workspace: workspace, db: hubDB)
        let agents = ["desk": deskToken, "laptop": laptopToken, "other": otherToken]
        for (name, token) in agents {
            let commune = name == "other" ? "bac-quynh" : "long-dong"
            try workspace.succeed(Binaries.agent, ["init", "--db", workspace.path("\(name).sqlite"), "--hub", hub.url,
                                                   "--commune", commune, "--token-file", token])
            try workspace.succeed(Binaries.agent, ["sync", "--db", workspace.path("\(name).sqlite")])
        }
        let desk = workspace.path("desk.sqlite"), laptop = workspace.path("laptop.sqlite"), other = workspace.path("other.sqlite")
        let tasks = try #require(try workspace.json(Binaries.agent, ["tasks", "--db", desk, "--json"]) as? [[String: Any]])
        #expect(tasks.compactMap { $0["id"] as? String } == ["4.1", "4.2", "4.3", "4.4", "4.5"])
        #expect(tasks.allSatisfy { $0["status"] as? String == "not_started" && $0["title"] is String && $0["deadline"] is String })

        #expect(hub.stop() == 0)
        // Offline: the desk PC reports first, the laptop later (typed in decomposed Unicode).
        try workspace.succeed(Binaries.agent, ["progress", "4.1", "--db", desk, "--status", "in_progress", "--percent", "50",
                                               "--note", "Đang dự thảo", "--by", "Nguyễn Văn A"])
        Thread.sleep(forTimeInterval: 0.01)
        let decomposedNote = "Đã ban hành quyết định".decomposedStringWithCanonicalMapping
        try workspace.succeed(Binaries.agent, ["progress", "4.1", "--db", laptop, "--status", "done", "--note", decomposedNote,
                                               "--evidence", "Quyết định số 45/QĐ-UBND", "--by", "Trần Thị B"])
        try workspace.succeed(Binaries.agent, ["equipment", "computer", "--db", other, "--total", "4", "--working", "3",
                                               "--needed", "1", "--cost", "15000000", "--by", "Hoàng Văn C"])
        try workspace.succeed(Binaries.agent, ["equipment", "internet", "--db", other, "--state", "unstable",
                                               "--provider", "VNPT", "--mbps", "20", "--by", "Hoàng Văn C"])

        let failed = try workspace.run(Binaries.agent, ["sync", "--db", desk])
        #expect(failed.status == 69)
        #expect(failed.stderr.contains("hub_unreachable"))
        let offline = try #require(try workspace.json(Binaries.agent, ["status", "--db", desk, "--json"]) as? [String: Any])
        #expect(offline["pending"] as? Int == 5)
        #expect(offline["lastError"] is String)

        hub = try HubProcess(workspace: workspace, db: hubDB, port: hub.port)
        for name in ["laptop", "desk", "other", "laptop", "desk"] {
            try workspace.succeed(Binaries.agent, ["sync", "--db", workspace.path("\(name).sqlite")])
        }
        let status = try #require(try workspace.json(Binaries.hub, ["status", "--db", hubDB, "--json"]) as? [String: Any])
        let communes = try #require(status["communes"] as? [[String: Any]])
        let longDong = try #require(communes.first { $0["code"] as? String == "long-dong" })
        #expect(longDong["name"] as? String == "Xã Long Đống")
        let progress = try #require((longDong["progress"] as? [String: [String: Any]])?["4.1"])
        #expect(progress["status"] as? String == "done")
        #expect(progress["percent"] as? Int == 100)
        #expect(progress["evidence"] as? String == "Quyết định số 45/QĐ-UBND")
        #expect(progress["by"] as? String == "Trần Thị B")
        let storedNote = try #require(progress["note"] as? String)
        #expect(storedNote.unicodeScalars.elementsEqual("Đã ban hành quyết định".precomposedStringWithCanonicalMapping.unicodeScalars))
        let bacQuynh = try #require(communes.first { $0["code"] as? String == "bac-quynh" })
        let computer = try #require((bacQuynh["equipment"] as? [String: [String: Any]])?["computer"])
        #expect(computer["total"] as? Int == 4 && computer["working"] as? Int == 3 && computer["cost"] as? Int == 15_000_000)
        #expect((bacQuynh["equipment"] as? [String: [String: Any]])?["internet"]?["state"] as? String == "unstable")
        #expect((status["tasks"] as? [[String: Any]])?.count == 15)

        // Both nodes of the commune hold the merged record.
        for db in [desk, laptop] {
            let mine = try #require(try workspace.json(Binaries.agent, ["tasks", "--db", db, "--json"]) as? [[String: Any]])
            let first = try #require(mine.first { $0["id"] as? String == "4.1" })
            #expect(first["status"] as? String == "done" && first["percent"] as? Int == 100)
            let state = try #require(try workspace.json(Binaries.agent, ["status", "--db", db, "--json"]) as? [String: Any])
            #expect(state["pending"] as? Int == 0)
            #expect(state["lastError"] is NSNull)
            #expect(state["clockOffsetMs"] is Int)
        }
        // The desk's report lost, whole, to the laptop's later one, and the audit shows it.
        let audit = try #require(try workspace.json(Binaries.hub, ["audit", "--db", hubDB, "--json", "--commune", "long-dong"]) as? [[String: Any]])
        let lost = audit.filter { $0["outcome"] as? String == "lost" }
        #expect(lost.contains { $0["field"] as? String == "status" && $0["value"] as? String == "in_progress" && $0["actor"] as? String == "Nguyễn Văn A" })
        #expect(Set(lost.compactMap { $0["field"] as? String }) == ["status", "percent", "note", "evidence", "by"])
        #expect(audit.allSatisfy { $0["commune"] is String && $0["collection"] is String && $0["record"] is String && $0["node"] is String })
        #expect(!audit.contains { ($0["record"] as? String)?.hasPrefix("bac-quynh/") == true })

        // A node of another commune cannot pose as this one: init refuses its token, and a token
        // swapped in afterwards is refused before anything is sent. (The hub's own refusal of a
        // mismatched request is tested over HTTP in DistrictHubTests.)
        let auditBefore = try #require(try workspace.json(Binaries.hub, ["audit", "--db", hubDB, "--json"]) as? [[String: Any]])
        let impostor = workspace.path("impostor.sqlite")
        let refusedInit = try workspace.run(Binaries.agent, ["init", "--db", impostor, "--hub", hub.url, "--commune", "long-dong", "--token-file", otherToken])
        #expect(refusedInit.status == 65)
        let swapped = workspace.path("swapped.token")
        try FileManager.default.copyItem(atPath: deskToken, toPath: swapped)
        try workspace.succeed(Binaries.agent, ["init", "--db", impostor, "--hub", hub.url, "--commune", "long-dong", "--token-file", swapped])
        try FileManager.default.removeItem(atPath: swapped)
        try FileManager.default.copyItem(atPath: otherToken, toPath: swapped)
        let refused = try workspace.run(Binaries.agent, ["sync", "--db", impostor])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("bac-quynh"))
        let auditAfter = try #require(try workspace.json(Binaries.hub, ["audit", "--db", hubDB, "--json"]) as? [[String: Any]])
        #expect(auditAfter.count == auditBefore.count)
        #expect(hub.stop() == 0)
    }
}
