import Foundation
import SyncCore
import TestSupport
import Testing

/// Evidence files with the real binaries: attached offline, uploaded by tus after the records,
/// stored once, checked by their hash, and out of other communes' reach.
@Suite("Evidence files", .serialized)
struct AttachmentTests {
    /// A scan-like PDF of `size` bytes: the PDF signature, then bytes from `seed`.
    static func makePDF(_ path: String, size: Int, seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        var bytes = Array("%PDF-1.4\n".utf8)
        while bytes.count < size { bytes.append(UInt8(truncatingIfNeeded: random.next())) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func list(_ workspace: Workspace, _ binary: String, _ arguments: [String]) throws -> [[String: Any]] {
        try workspace.json(binary, arguments) as? [[String: Any]] ?? []
    }

    /// Files under the hub's `objects/`.
    static func storedObjects(_ hubDB: String) -> [String] {
        let root = FileStore(beside: hubDB).root + "/objects"
        return (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { $0.count > 3 }
    }

    /// A hub and a long-dong agent that has its tasks; the hub stops with it.
    final class Office {
        let setup: DaemonTests.Setup
        var hub: HubProcess

        init(hubEnvironment: [String: String] = [:], ignoringFileSizeSignal: Bool = false) throws {
            setup = try DaemonTests.Setup()
            hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB, environment: hubEnvironment,
                                 ignoringFileSizeSignal: ignoringFileSizeSignal)
            try setup.initAgent(hub: hub)
            try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        }

        deinit {
            hub.stop()
        }

        /// A scan of `size` bytes, attached to 4.1 by Nguyễn Văn An: its path and SHA-256.
        @discardableResult
        func attachScan(_ name: String = "scan.pdf", size: Int, seed: UInt64) throws -> (path: String, sha256: String) {
            let path = setup.workspace.path(name)
            try AttachmentTests.makePDF(path, size: size, seed: seed)
            try setup.workspace.succeed(Binaries.agent, ["attach", "4.1", path, "--db", setup.agentDB, "--by", "Nguyễn Văn An"])
            return (path, try FileStore.sha256(ofFile: path))
        }
    }

    /// Small chunks, so a 700 kB scan takes several PATCHes.
    static let smallChunks = ["AGENT_FILES_CHUNK_KILOBYTES": "64"]

    @Test("a scan attached offline reaches the hub whole after the sync; another PC of the commune lists and fetches it, and its own copy is stored once")
    func attachUploadFetch() throws {
        let office = try Office()
        let (setup, hub) = (office.setup, office.hub)
        // Offline: stored at once, waiting.
        let (scan, sha256) = try office.attachScan("Quyết định 45.pdf", size: 700_000, seed: 1)
        var listed = try Self.list(setup.workspace, Binaries.agent, ["attachments", "--db", setup.agentDB, "--json"])
        #expect(listed.count == 1)
        #expect(listed.first?["sha256"] as? String == sha256)
        #expect(listed.first?["name"] as? String == "Quyết định 45.pdf")
        #expect(listed.first?["type"] as? String == "application/pdf")
        #expect(listed.first?["record"] as? String == "progress/long-dong/4.1")
        #expect(listed.first?["state"] as? String == "waiting")
        #expect(Self.storedObjects(setup.hubDB).isEmpty)

        let synced = try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB], environment: Self.smallChunks)
        #expect(synced.contains("Đã gửi 1 tệp minh chứng"))
        listed = try Self.list(setup.workspace, Binaries.agent, ["attachments", "--db", setup.agentDB, "--json"])
        #expect(listed.first?["state"] as? String == "uploaded")
        #expect(listed.first?["uploadedBytes"] as? Int == 700_000)
        let atHub = try Self.list(setup.workspace, Binaries.hub, ["attachments", "--db", setup.hubDB, "--json"])
        #expect(atHub.count == 1)
        #expect(atHub.first?["stored"] as? Bool == true)
        #expect(atHub.first?["by"] as? String == "Nguyễn Văn An")
        let fetchedAtHub = setup.workspace.path("hub-copy.pdf")
        try setup.workspace.succeed(Binaries.hub, ["fetch", sha256, "--db", setup.hubDB, "--to", fetchedAtHub])
        #expect(try FileStore.sha256(ofFile: fetchedAtHub) == sha256)

        // A second PC of the commune hears of the file with the next sync and fetches it.
        let secondToken = setup.workspace.path("second.token")
        let enrolled = try setup.workspace.succeed(Binaries.hub, ["enroll", "--db", setup.hubDB, "--commune", "long-dong"])
        try String(enrolled.split(separator: "\n").last!).write(toFile: secondToken, atomically: true, encoding: .utf8)
        let secondDB = setup.workspace.path("second.sqlite")
        try setup.workspace.succeed(Binaries.agent, ["init", "--db", secondDB, "--hub", hub.url, "--commune", "long-dong", "--token-file", secondToken])
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", secondDB])
        let second = try Self.list(setup.workspace, Binaries.agent, ["attachments", "--db", secondDB, "--json"])
        #expect(second.first?["sha256"] as? String == sha256)
        #expect(second.first?["state"] as? String == "remote")
        let fetched = setup.workspace.path("fetched.pdf")
        try setup.workspace.succeed(Binaries.agent, ["fetch", sha256, "--db", secondDB, "--to", fetched])
        #expect(try FileStore.sha256(ofFile: fetched) == sha256)

        // The same scan attached on the second PC to another task: its upload is skipped.
        try setup.workspace.succeed(Binaries.agent, ["attach", "4.2", scan, "--db", secondDB, "--by", "Trần Thị Bình"])
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", secondDB])
        let both = try Self.list(setup.workspace, Binaries.hub, ["attachments", "--db", setup.hubDB, "--json"])
        #expect(both.count == 2)
        #expect(both.allSatisfy { $0["stored"] as? Bool == true })
        #expect(Self.storedObjects(setup.hubDB).count == 1)

        // Removed from 4.2 on the second PC: a tombstone, which the hub and the first PC learn of.
        try setup.workspace.succeed(Binaries.agent, ["detach", "4.2", sha256, "--db", secondDB, "--by", "Trần Thị Bình"])
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", secondDB])
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        let remaining = try Self.list(setup.workspace, Binaries.hub, ["attachments", "--db", setup.hubDB, "--json"])
        #expect(remaining.map { $0["record"] as? String } == ["progress/long-dong/4.1"])
        #expect(try Self.list(setup.workspace, Binaries.agent, ["attachments", "--db", setup.agentDB, "--json"]).count == 1)
    }

    @Test("a program renamed .pdf is refused on the PC, with nothing stored")
    func renamedProgramRefused() async throws {
        let setup = try Office().setup
        let program = setup.workspace.path("bao-cao.pdf")
        try Data([0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00] + Array(repeating: 0, count: 4_000)).write(to: URL(fileURLWithPath: program))
        let result = try setup.workspace.run(Binaries.agent, ["attach", "4.1", program, "--db", setup.agentDB, "--by", "Nguyễn Văn An"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("Loại tệp không được chấp nhận"))
        #expect(try Self.list(setup.workspace, Binaries.agent, ["attachments", "--db", setup.agentDB, "--json"]).isEmpty)
        #expect(try await AgentStore(path: setup.agentDB, create: false).hasPending() == false)
    }

    @Test("bytes that do not hash to the announced SHA-256 are discarded at the hub, and the file stays waiting")
    func corruptedUploadDiscarded() async throws {
        let office = try Office()
        let setup = office.setup
        let sha256 = try office.attachScan(size: 200_000, seed: 2).sha256
        // The office PC's copy goes bad on its disk (same size, other bytes).
        let local = FileStore(beside: setup.agentDB).objectPath(sha256)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: local)
        try Self.makePDF(local, size: 200_000, seed: 3)

        let result = try setup.workspace.run(Binaries.agent, ["sync", "--db", setup.agentDB], environment: Self.smallChunks)
        #expect(result.status != 0)
        #expect(result.stderr.contains("checksum_mismatch"))
        #expect(Self.storedObjects(setup.hubDB).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: FileStore(beside: setup.hubDB).partialPath(commune: "long-dong", sha256: sha256)))
        let atHub = try Self.list(setup.workspace, Binaries.hub, ["attachments", "--db", setup.hubDB, "--json"])
        #expect(atHub.first?["stored"] as? Bool == false)
        let listed = try Self.list(setup.workspace, Binaries.agent, ["attachments", "--db", setup.agentDB, "--json"])
        #expect(listed.first?["state"] as? String != "uploaded")
    }

    @Test("a node of another commune gets 404 for a file, whether it asks for its bytes, its offset or to upload it")
    func otherCommuneSeesNothing() throws {
        let office = try Office()
        let (setup, hub) = (office.setup, office.hub)
        let (scan, sha256) = try office.attachScan(size: 50_000, seed: 4)
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        #expect(Self.storedObjects(setup.hubDB).count == 1)

        let enrolled = try setup.workspace.succeed(Binaries.hub, ["enroll", "--db", setup.hubDB, "--commune", "tan-thanh"])
        let otherToken = String(enrolled.split(separator: "\n").last!).trimmingCharacters(in: .whitespacesAndNewlines)
        let client = CurlHTTPClient()
        let url = "\(hub.url)/v1/files/\(sha256)"
        let headers = ["Authorization: Bearer \(otherToken)", "Tus-Resumable: 1.0.0"]
        #expect(try client.get(url: url, headers: headers).status == 404)
        #expect(try client.send("HEAD", url: url, headers: headers).status == 404)
        let created = try client.send("POST", url: "\(hub.url)/v1/files", body: Data(), headers: headers + [
            "Upload-Length: 50000", "Upload-Metadata: sha256 \(Data(sha256.utf8).base64EncodedString())",
        ])
        #expect(created.status == 404)
        let patched = try client.send("PATCH", url: url, body: Data(repeating: 1, count: 10), headers: headers + [
            "Content-Type: application/offset+octet-stream", "Upload-Offset: 0",
        ])
        #expect(patched.status == 404)
        // Its own commune's node gets the bytes.
        let ownToken = try String(contentsOfFile: setup.tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let own = try client.get(url: url, headers: ["Authorization: Bearer \(ownToken)"])
        #expect(own.status == 200)
        #expect(own.body == (try Data(contentsOf: URL(fileURLWithPath: scan))))
        #expect(own.header("x-content-type-options") == "nosniff")
        #expect(own.header("content-disposition")?.hasPrefix("attachment") == true)
    }

    @Test("a backup of either program carries the files its records name, and a hub restore brings them back")
    func backupAndRestore() throws {
        let office = try Office()
        let setup = office.setup
        let sha256 = try office.attachScan(size: 120_000, seed: 5).sha256
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])

        let agentCopy = setup.workspace.path("agent-backup.sqlite")
        try setup.workspace.succeed(Binaries.agent, ["backup", "--db", setup.agentDB, "--to", agentCopy])
        #expect(FileStore(beside: agentCopy).contains(sha256))
        let hubCopy = setup.workspace.path("hub-backup.sqlite")
        try setup.workspace.succeed(Binaries.hub, ["backup", "--db", setup.hubDB, "--to", hubCopy])
        #expect(FileStore(beside: hubCopy).contains(sha256))
        #expect(try FileStore.sha256(ofFile: FileStore(beside: hubCopy).objectPath(sha256)) == sha256)

        // The hub's disk is lost; the backup is restored, files and all.
        #expect(office.hub.stop() == 0)
        try FileManager.default.removeItem(atPath: FileStore(beside: setup.hubDB).root)
        try setup.workspace.succeed(Binaries.hub, ["restore", "--db", setup.hubDB, "--from", hubCopy])
        #expect(FileStore(beside: setup.hubDB).contains(sha256))
        office.hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB, port: office.hub.port)
        let restored = try Self.list(setup.workspace, Binaries.hub, ["attachments", "--db", setup.hubDB, "--json"])
        #expect(restored.first?["stored"] as? Bool == true)
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        let fetched = setup.workspace.path("after-restore.pdf")
        try setup.workspace.succeed(Binaries.hub, ["fetch", sha256, "--db", setup.hubDB, "--to", fetched])
        #expect(try FileStore.sha256(ofFile: fetched) == sha256)
    }

    @Test("an upload cut at random bytes or stalled resumes where the hub's copy ends: the hub writes each byte once")
    func resumesThroughFaults() async throws {
        let line = try NetworkFaultTests.Line(["--cut-probability", "0.25", "--stall-probability", "0.1"])
        let limits = ["AGENT_HTTP_LOW_SPEED_TIME": "1", "AGENT_HTTP_LOW_SPEED_LIMIT": "500", "AGENT_FILES_CHUNK_KILOBYTES": "64"]
        try await line.syncUntilDrained(environment: limits)
        let scan = line.setup.workspace.path("scan.pdf")
        let size = 1_000_000
        try Self.makePDF(scan, size: size, seed: 6)
        let sha256 = try FileStore.sha256(ofFile: scan)
        try line.setup.workspace.succeed(Binaries.agent, ["attach", "4.1", scan, "--db", line.setup.agentDB, "--by", "Nguyễn Văn An"])
        var runs = 0
        while try await AgentStore(path: line.setup.agentDB, create: false).attachments().first?.state != .uploaded && runs < 400 {
            try line.setup.workspace.run(Binaries.agent, ["sync", "--db", line.setup.agentDB], environment: limits)
            runs += 1
        }
        #expect(try await AgentStore(path: line.setup.agentDB, create: false).attachments().first?.state == .uploaded,
                "not uploaded after \(runs) syncs (proxy seed \(line.seed))")
        #expect(line.proxy.faults("cut") > 0, "seed \(line.seed), \(runs) runs: \(line.proxy.stderr.suffix(3000))")
        let stored = FileStore(beside: line.setup.hubDB).objectPath(sha256)
        #expect(try FileStore.sha256(ofFile: stored) == sha256)
        let metrics = String(decoding: try CurlHTTPClient().get(url: "http://127.0.0.1:\(line.hub.port)/metrics").body, as: UTF8.self)
        func value(_ prefix: String) -> Double? {
            metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
        }
        #expect(value("file_upload_bytes_total") == Double(size), "seed \(line.seed): the hub wrote some bytes twice, or missed some")
        #expect((value("file_uploads_total{outcome=\"resumed\"}") ?? 0) > 0, "seed \(line.seed)")
    }

    @Test("the hub refuses a file over its per-file limit and one over the commune's quota with 413, before storing anything; the others still go")
    func limits() throws {
        let office = try Office(hubEnvironment: ["HUB_FILES_MAX_FILE_MEGABYTES": "1", "HUB_FILES_MAX_COMMUNE_MEGABYTES": "1"])
        let setup = office.setup
        var digests: [String: String] = [:]
        for (name, size, seed) in [("lon.pdf", 1_500_000, UInt64(10)), ("a.pdf", 600_000, 11), ("b.pdf", 600_000, 12)] {
            digests[name] = try office.attachScan(name, size: size, seed: seed).sha256
        }
        let synced = try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        #expect(synced.contains("Đã gửi 1 tệp minh chứng"))
        #expect(synced.contains("huyện không nhận tệp \"lon.pdf\""))
        #expect(synced.contains("huyện không nhận tệp \"b.pdf\""))
        let listed = try Self.list(setup.workspace, Binaries.agent, ["attachments", "--db", setup.agentDB, "--json"])
        let states = Dictionary(uniqueKeysWithValues: listed.map { ($0["name"] as? String ?? "", $0["state"] as? String ?? "") })
        #expect(states == ["lon.pdf": "refused", "a.pdf": "uploaded", "b.pdf": "refused"])
        #expect(Self.storedObjects(setup.hubDB) == ["\(digests["a.pdf"]!.prefix(2))/\(digests["a.pdf"]!)"])
        for name in ["lon.pdf", "b.pdf"] {
            #expect(!FileManager.default.fileExists(atPath: FileStore(beside: setup.hubDB).partialPath(commune: "long-dong", sha256: digests[name]!)))
        }
        // Refused files are not sent again: the next sync has nothing to upload.
        let again = try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB])
        #expect(!again.contains("tệp"))
    }

    @Test("the hub's disk full mid-upload: a clear error, what arrived before it kept, and the upload resumes once space returns")
    func hubDiskFull() async throws {
        let office = try Office(ignoringFileSizeSignal: true)
        let (setup, hub) = (office.setup, office.hub)
        let sha256 = try office.attachScan(size: 1_000_000, seed: 8).sha256
        // The records go first, with room to spare; then no file of the hub may pass 400 KiB.
        let chunks = ["AGENT_FILES_CHUNK_KILOBYTES": "64"]
        try limitFileSize(of: hub.process, to: 400)
        let refused = try setup.workspace.run(Binaries.agent, ["sync", "--db", setup.agentDB], environment: chunks)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("storage") && refused.stderr.contains("disk is full"), "\(refused.stderr)")
        #expect(hub.process.isRunning)
        let partial = FileStore(beside: setup.hubDB).partialPath(commune: "long-dong", sha256: sha256)
        let kept = (try FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0
        #expect(kept > 0 && kept <= 400 * 1024)
        #expect(Self.storedObjects(setup.hubDB).isEmpty)

        try limitFileSize(of: hub.process, to: nil)
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB], environment: chunks)
        #expect(try FileStore.sha256(ofFile: FileStore(beside: setup.hubDB).objectPath(sha256)) == sha256)
        #expect(!FileManager.default.fileExists(atPath: partial))
    }

    @Test("a file attached on a full disk is refused whole with a Vietnamese message; nothing is left behind")
    func agentDiskFull() async throws {
        let setup = try Office().setup
        let scan = setup.workspace.path("scan.pdf")
        try Self.makePDF(scan, size: 600_000, seed: 9)
        let refused = try setup.workspace.run("/bin/sh", shellIgnoringFileSizeSignal(Binaries.agent, [
            "attach", "4.1", scan, "--db", setup.agentDB, "--by", "Nguyễn Văn An",
        ], fileSizeLimit: 200))
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("đĩa đã đầy") && refused.stderr.contains("[storage]"), "\(refused.stderr)")
        #expect(try Self.list(setup.workspace, Binaries.agent, ["attachments", "--db", setup.agentDB, "--json"]).isEmpty)
        #expect(try await AgentStore(path: setup.agentDB, create: false).hasPending() == false)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: FileStore(beside: setup.agentDB).root + "/tmp")
        #expect(leftovers.isEmpty)
        #expect(FileStore(beside: setup.agentDB).storedDigests().isEmpty)
    }
}
