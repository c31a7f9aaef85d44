import Foundation
import Testing

@Suite("The agent refuses bad input", .serialized)
struct AgentInputTests {
    @Test("each bad command exits non-zero with a clear message and changes nothing")
    func badInput() throws {
        let workspace = try Workspace()
        let hubDB = workspace.path("hub.sqlite")
        try workspace.succeed(Binaries.hub, ["tasks", "import", "--db", hubDB, Binaries.config.appendingPathComponent("tasks.json").path])
        let enrolled = try workspace.succeed(Binaries.hub, ["enroll", "--db", hubDB, "--commune", "long-dong", "--name", "Xã Long Đống"])
        let tokenFile = workspace.path("node.token")
        try String(enrolled.split(separator: "\n").last!).write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let db = workspace.path("agent.sqlite")
        let hub = try HubProcess(workspace: workspace, db: hubDB)
        try workspace.succeed(Binaries.agent, ["init", "--db", db, "--hub", hub.url, "--commune", "long-dong", "--token-file", tokenFile])
        try workspace.succeed(Binaries.agent, ["sync", "--db", db])
        #expect(hub.stop() == 0)

        let cases: [(arguments: [String], exit: Int32, message: String)] = [
            (["progress", "4.1", "--status", "in_progress", "--percent", "140", "--by", "A"], 65, "0 đến 100"),
            (["progress", "4.1", "--status", "in_progress", "--percent", "-1", "--by", "A"], 65, "0 đến 100"),
            (["progress", "9.9", "--status", "done", "--by", "A"], 65, "Không có nhiệm vụ"),
            (["progress", "4.1", "--status", "finished", "--by", "A"], 65, "Trạng thái không hợp lệ"),
            (["progress", "4.1", "--status", "done"], 64, "--by"),
            (["equipment", "fax", "--total", "1", "--by", "A"], 65, "Loại thiết bị không hợp lệ"),
            (["equipment", "computer", "--total", "2", "--working", "3", "--by", "A"], 65, "không được lớn hơn tổng số"),
            (["equipment", "printer", "--total", "-2", "--by", "A"], 65, "không được âm"),
            (["equipment", "internet", "--state", "slow", "--by", "A"], 65, "Tình trạng đường truyền"),
            (["equipment", "scanner", "--total", "1"], 64, "--by"),
            (["sync"], 69, "hub_unreachable"),
        ]
        for (arguments, exit, message) in cases {
            let result = try workspace.run(Binaries.agent, arguments + ["--db", db])
            #expect(result.status == exit, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        let status = try #require(try workspace.json(Binaries.agent, ["status", "--db", db, "--json"]) as? [String: Any])
        #expect(status["pending"] as? Int == 0)
        let tasks = try #require(try workspace.json(Binaries.agent, ["tasks", "--db", db, "--json"]) as? [[String: Any]])
        #expect(tasks.allSatisfy { $0["status"] as? String == "not_started" })

        let notInitialised = try workspace.run(Binaries.agent, ["status", "--db", workspace.path("fresh.sqlite")])
        #expect(notInitialised.status == 65)
        #expect(notInitialised.stderr.contains("commune-agent init"))
        #expect(!FileManager.default.fileExists(atPath: workspace.path("fresh.sqlite")))
        let badHub = try workspace.run(Binaries.agent, ["init", "--db", workspace.path("x.sqlite"), "--hub", "ftp://h",
                                                       "--commune", "long-dong", "--token-file", tokenFile])
        #expect(badHub.status == 64)

        // A token copied to the wrong office, or not a token at all, is caught at init.
        let wrongCommune = try workspace.run(Binaries.agent, ["init", "--db", workspace.path("y.sqlite"), "--hub", "http://h",
                                                             "--commune", "bac-quynh", "--token-file", tokenFile])
        #expect(wrongCommune.status == 65)
        #expect(wrongCommune.stderr.contains("long-dong"))
        let garbage = workspace.path("garbage.token")
        try "hello".write(toFile: garbage, atomically: true, encoding: .utf8)
        let notAToken = try workspace.run(Binaries.agent, ["init", "--db", workspace.path("z.sqlite"), "--hub", "http://h",
                                                          "--commune", "long-dong", "--token-file", garbage])
        #expect(notAToken.status == 65)
        #expect(notAToken.stderr.contains("mã truy cập"))
    }

    @Test("enroll can write the token to a private file and warns when it creates a commune")
    func enrollTokenFile() throws {
        let workspace = try Workspace()
        let hubDB = workspace.path("hub.sqlite")
        let tokenFile = workspace.path("private.token")
        let result = try workspace.run(Binaries.hub, ["enroll", "--db", hubDB, "--commune", "long-dogn", "--token-file", tokenFile])
        #expect(result.status == 0)
        #expect(result.stderr.contains("long-dogn was not known"))
        let attributes = try FileManager.default.attributesOfItem(atPath: tokenFile)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let written = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(written == result.stdout.split(separator: "\n").last.map(String.init))
        #expect(written.split(separator: ".").count == 3 && written.contains(".long-dogn."))
        let missing = try workspace.run(Binaries.hub, ["status", "--db", workspace.path("typo.sqlite")])
        #expect(missing.status != 0)
        #expect(!FileManager.default.fileExists(atPath: workspace.path("typo.sqlite")))
    }
}
