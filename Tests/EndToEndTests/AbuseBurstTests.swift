import Foundation
import SyncCore
import Testing

/// Bursts of oversized bodies, gzip bombs and deep nesting against a real `district-hub serve`
/// process. In a process of its own the hub's memory is its own (the test runner's other
/// suites allocate beside an in-process hub) and its CPU is scheduled apart from the suites
/// that run meanwhile, so a slow day neither inflates the reading nor starves their exchanges.
@Suite("Abuse bursts against a hub process", .serialized)
struct AbuseBurstTests {
    let gzipped = ["Content-Encoding: gzip", "Content-Type: application/json"]

    @Test("bursts of oversized bodies, bombs and deep nesting leave the hub's memory bounded; no secret reaches its log")
    func memoryAndLogs() async throws {
        let workspace = try Workspace()
        let hubDB = workspace.path("hub.sqlite")
        try workspace.succeed(Binaries.hub, ["tasks", "import", "--db", hubDB, Binaries.config.appendingPathComponent("tasks.json").path])
        let token = String(try workspace.succeed(Binaries.hub, ["enroll", "--db", hubDB, "--commune", "long-dong"])
            .split(separator: "\n").last!)
        let passwordFile = workspace.path("password")
        try "mật khẩu đủ dài".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        try workspace.succeed(Binaries.hub, ["user", "add", "--db", hubDB, "--user", "noivu", "--role", "viewer",
                                             "--password-file", passwordFile])
        let hub = try HubProcess(workspace: workspace, db: hubDB, environment: ["HUB_LOG_LEVEL": "trace"])
        let client = CurlHTTPClient(), url = hub.url
        let post = { @Sendable (body: Data, headers: [String], path: String) async throws -> CurlHTTPClient.Reply in
            try await runBlocking { try client.post(url: url + path, body: body, headers: headers) }
        }
        let auth = gzipped + ["Authorization: Bearer \(token)"]
        let oversized = Data(repeating: 0x5B, count: SyncProtocol.maxCompressedBodyBytes + 4096)
        let bomb = try Gzip.compress(Data(count: 256 << 20), level: 9)
        let deep = try Gzip.compress(Data(repeating: UInt8(ascii: "["), count: SyncProtocol.maxInflatedBodyBytes - 1), level: 9)
        // One round first, so the allocator's arenas and the server's buffers are warm.
        for body in [oversized, bomb, deep] { _ = try await post(body, auth, SyncProtocol.path) }
        let baseline = try residentBytes(of: hub.process.processIdentifier)
        for _ in 0..<8 {
            for body in [oversized, bomb, deep] {
                let reply = try await post(body, auth, SyncProtocol.path)
                #expect((400..<500).contains(reply.status), "\(reply.status)")
            }
        }
        let growth = try residentBytes(of: hub.process.processIdentifier) - baseline
        // Kept whole, the burst would be 8 × (2 + 256 + 16) MiB; each request may hold at
        // most 2 MiB compressed and 16 MiB inflated, and nothing may stay behind.
        #expect(growth < 64 << 20, "the hub's resident memory grew by \(growth >> 20) MiB")

        // A dashboard sign-in and a failed one, so cookies and passwords pass by the log too.
        let form = ["Content-Type: application/x-www-form-urlencoded"]
        _ = try await post(Data("user=noivu&password=sai".utf8), form, "/login")
        _ = try await post(Data("user=noivu&password=m%E1%BA%ADt+kh%E1%BA%A9u+%C4%91%E1%BB%A7+d%C3%A0i".utf8), form, "/login")
        #expect(hub.stop() == 0)
        let audit = try #require(try workspace.json(Binaries.hub, ["audit", "--db", hubDB, "--json"]) as? [[String: Any]])
        #expect(!audit.contains { ($0["node"] as? String)?.hasPrefix("n-") == true }, "a refused body changed the audit")
        let logs = hub.stderr
        let secret = String(token.split(separator: ".").last!)
        #expect(logs.contains("sync.refused"), "the hub logged no refusal")
        #expect(!logs.contains(secret), "the node token's secret is in the log")
        #expect(!logs.contains("Bearer"), "an Authorization header is in the log")
        #expect(!logs.contains("password="), "a password is in the log")
        #expect(!logs.contains("khẩu"), "a password is in the log")
    }
}

/// This process's resident set size, from /proc/PID/status.
private func residentBytes(of pid: Int32) throws -> Int {
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
    let kib = try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    return kib * 1024
}
