import Foundation
import Hummingbird
import HummingbirdBcrypt
import SyncCore
import TestSupport
import Testing

@testable import district_hub

/// Hostile or broken clients against a real hub on loopback: deeply nested and non-UTF-8
/// bodies, truncated, revoked and expired credentials, a replayed batch, the admin endpoints
/// without a session, bursts of oversized bodies and bombs. Each gets its 4xx (a replay its
/// original answer), never a 5xx, never a change. (`HubServerTests` holds the first-line cases:
/// missing and guessed tokens, oversized bodies, a gzip bomb, malformed JSON; `AbuseBurstTests`
/// the bursts that must leave memory bounded and the log free of secrets, against a hub process.)
@Suite("Abuse", .serialized)
struct AbuseTests {
    let client = CurlHTTPClient()
    let gzipped = ["Content-Encoding: gzip", "Content-Type: application/json"]

    @Test("deeply nested JSON gets 400 and the hub keeps serving")
    func deeplyNested() async throws {
        try await withAbuseHub { hub in
            let node = try await hub.store.enroll(commune: "long-dong", name: nil, label: nil)
            let before = try await hub.snapshot()
            let bodies: [Data] = [
                Data(repeating: UInt8(ascii: "["), count: 100_000),
                Data(String(repeating: #"{"a":"#, count: 100_000).utf8),
                // Nested inside an otherwise valid request, where the decoder expects a value.
                Data((#"{"protocol":1,"node":"\#(node.node)","commune":"long-dong","clock":0,"cursor":0,"changes":[{"value":"#
                    + String(repeating: "[", count: 200_000)).utf8),
                // As deep as the inflated-body limit allows: 16 MiB of brackets in a few KiB of gzip.
                Data(repeating: UInt8(ascii: "["), count: SyncProtocol.maxInflatedBodyBytes - 1),
            ]
            for body in bodies {
                let reply = try await hub.post(try Gzip.compress(body, level: 9), gzipped + ["Authorization: Bearer \(node.token)"])
                #expect(reply.status == 400 && errorCode(reply) == "invalid_input", "\(reply.status)")
            }
            let plain = try await hub.post(Data(repeating: UInt8(ascii: "["), count: 100_000), ["Authorization: Bearer \(node.token)"])
            #expect(plain.status == 400)
            #expect(try await hub.get("/healthz").status == 200)
            #expect(try await hub.snapshot() == before)
        }
    }

    @Test("bodies that are not UTF-8 get 400 and change nothing")
    func notUTF8() async throws {
        try await withAbuseHub { hub in
            let node = try await hub.store.enroll(commune: "long-dong", name: nil, label: nil)
            let before = try await hub.snapshot()
            let valid = try WireCoding.encode(SyncRequest(node: node.node, commune: "long-dong", clock: 0, cursor: 0, changes: [
                PushedChange(seq: 1, collection: "progress", record: "long-dong/4.1", field: "note", value: .text("NOTE"),
                             hlc: HLC(wall: 1_000), actor: "ACTOR"),
            ]))
            var latin1 = valid
            latin1.replaceSubrange(latin1.range(of: Data("NOTE".utf8))!, with: [0x44, 0xE3, 0x20, 0x78, 0x6F, 0x6E, 0x67])  // "Dã xong" in Latin-1
            var overlong = valid
            overlong.replaceSubrange(overlong.range(of: Data("ACTOR".utf8))!, with: [0xC0, 0xAF, 0xED, 0xA0, 0x80])  // overlong '/', a lone surrogate
            let utf16 = Data(String(decoding: valid, as: UTF8.self).utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            for (name, body) in [("latin1", latin1), ("overlong", overlong), ("utf16", utf16), ("garbage", Data([0xFF, 0xFE, 0xFD, 0x00, 0x80]))] {
                let reply = try await hub.post(try Gzip.compress(body), gzipped + ["Authorization: Bearer \(node.token)"])
                #expect(reply.status == 400 && errorCode(reply) == "invalid_input", "\(name): \(reply.status) \(String(decoding: reply.body, as: UTF8.self))")
            }
            #expect(try await hub.snapshot() == before)
        }
    }

    @Test("truncated, padded, revoked and other nodes' tokens get 401 and change nothing")
    func badTokens() async throws {
        try await withAbuseHub { hub in
            let node = try await hub.store.enroll(commune: "long-dong", name: nil, label: nil)
            let other = try await hub.store.enroll(commune: "long-dong", name: nil, label: nil)
            try await hub.store.revoke(node: other.node)
            let body = try syncBody(SyncRequest(node: node.node, commune: "long-dong", clock: 0, cursor: 0, changes: [
                PushedChange(seq: 1, collection: "progress", record: "long-dong/4.1", field: "percent", value: .int(5),
                             hlc: HLC(wall: 1_000), actor: "A"),
            ]))
            let before = try await hub.snapshot()
            let secretless = node.token.split(separator: ".").dropLast().joined(separator: ".")
            for token in [String(node.token.dropLast()), String(node.token.prefix(20)), secretless, node.token + "0",
                          node.token.uppercased(), other.token, ""] {
                let reply = try await hub.post(body, gzipped + ["Authorization: Bearer \(token)"])
                #expect(reply.status == 401 && errorCode(reply) == "unauthorized", "\(token.prefix(12))…: \(reply.status)")
            }
            let basic = try await hub.post(body, gzipped + ["Authorization: Basic \(Data(node.token.utf8).base64EncodedString())"])
            #expect(basic.status == 401)
            for guess in 0..<2 {
                let reply = try await hub.post(body, gzipped + ["Authorization: Bearer \(node.node).long-dong.\(String(format: "%064d", guess))"])
                #expect(reply.status == 401)
            }
            // Ten failures from this address: a further guess waits (429, also a 4xx)...
            let throttled = try await hub.post(body, gzipped + ["Authorization: Bearer \(String(node.token.dropLast()))"])
            #expect(throttled.status == 429)
            #expect(try await hub.snapshot() == before)
            // ...but the right token is served: other PCs behind the same address are not locked out.
            #expect(try await hub.post(body, gzipped + ["Authorization: Bearer \(node.token)"]).status == 200)
        }
    }

    @Test("a replayed old batch is answered as the first time and changes nothing; a forged replay is refused")
    func replayedBatch() async throws {
        try await withAbuseHub { hub in
            let node = try await hub.store.enroll(commune: "long-dong", name: nil, label: nil)
            let auth = gzipped + ["Authorization: Bearer \(node.token)"]
            let old = SyncRequest(node: node.node, commune: "long-dong", clock: 0, cursor: 0, changes: [
                PushedChange(seq: 1, collection: "progress", record: "long-dong/4.1", field: "percent", value: .int(10), hlc: HLC(wall: 1_000), actor: "A"),
                PushedChange(seq: 2, collection: "tasks", record: "4.1", field: "title", value: .text("chiếm quyền"), hlc: HLC(wall: 1_000), actor: "A"),
            ])
            let first = try await hub.post(try syncBody(old), auth)
            #expect(first.status == 200)
            let newer = SyncRequest(node: node.node, commune: "long-dong", clock: 0, cursor: 0, changes: [
                PushedChange(seq: 3, collection: "progress", record: "long-dong/4.1", field: "percent", value: .int(60), hlc: HLC(wall: 2_000), actor: "A"),
            ])
            #expect(try await hub.post(try syncBody(newer), auth).status == 200)
            let fields = try await hub.store.allFields().mapValues { "\($0.value)@\($0.stamp)" }

            let replay = try await hub.post(try syncBody(old), auth)
            #expect(replay.status == 200)
            let answer = try WireCoding.decode(SyncResponse.self, from: replay.body)
            #expect(answer.acked == 3)
            #expect(answer.rejected.map(\.seq) == [2])
            #expect(try await hub.store.allFields().mapValues { "\($0.value)@\($0.stamp)" } == fields)
            #expect(try await hub.store.fields(of: .progress, record: "long-dong/4.1")["percent"] == .int(60))
            #expect(try await hub.store.audit().suffix(2).allSatisfy { $0.outcome == .duplicate })

            var forged = old
            forged.changes[0].value = .int(100)
            forged.changes[0].wall = 9_000
            let before = try await hub.snapshot()
            let refused = try await hub.post(try syncBody(forged), auth)
            #expect(refused.status == 409 && errorCode(refused) == "sequence_reused")
            #expect(try await hub.snapshot() == before)
        }
    }

    @Test("a session left unused for the idle limit ends; one in use lives on, up to its 12 hours")
    func idleSession() async throws {
        try await withAbuseHub { hub in
            try await hub.store.addUser(name: "truong-phong", passwordHash: Bcrypt.hash("mật khẩu quản trị", cost: 4), role: .admin)
            let session = try await hub.store.createSession(user: "truong-phong")
            let cookie = ["Cookie: \(SessionMiddleware.cookieName)=\(session.token)"]
            let almostIdle = HubStore.sessionIdleMs - 60_000
            // Used every 29 minutes for two hours: each use keeps it alive.
            for _ in 0..<4 {
                hub.clock.advance(by: almostIdle)
                #expect(try await hub.get("/", cookie).status == 200)
            }
            hub.clock.advance(by: HubStore.sessionIdleMs + 1_000)
            #expect(try await hub.get("/", cookie).status == 303)
            #expect(try await hub.store.session(token: session.token) == nil)

            // In use all along, it still ends at 12 hours.
            let busy = try await hub.store.createSession(user: "truong-phong")
            var elapsed: Int64 = 0
            while elapsed <= HubStore.sessionLifetimeMs {
                #expect(try await hub.store.session(token: busy.token) != nil)
                hub.clock.advance(by: almostIdle)
                elapsed += almostIdle
            }
            #expect(try await hub.store.session(token: busy.token) == nil)
        }
    }

    @Test("admin endpoints without a live session (none, forged, expired) change nothing")
    func adminWithoutSession() async throws {
        try await withAbuseHub { hub in
            try await hub.store.addUser(name: "truong-phong", passwordHash: Bcrypt.hash("mật khẩu quản trị", cost: 4), role: .admin)
            let session = try await hub.store.createSession(user: "truong-phong")
            #expect(try await hub.get("/tasks/new", ["Cookie: \(SessionMiddleware.cookieName)=\(session.token)"]).status == 200)
            hub.clock.advance(by: HubStore.sessionLifetimeMs + 1_000)
            let before = try await hub.snapshot()
            let task = "mode=create&id=9.9&title=Chi%E1%BA%BFm&communes=*&csrf=\(session.csrf)"
            let review = "commune=long-dong&task=4.1&decision=accepted&csrf=\(session.csrf)"
            for cookie in [nil, "\(SessionMiddleware.cookieName)=\(String(repeating: "a", count: 64))",
                           "\(SessionMiddleware.cookieName)=\(session.token)"] {
                let headers = ["Content-Type: application/x-www-form-urlencoded"] + (cookie.map { ["Cookie: \($0)"] } ?? [])
                for (path, form) in [("/tasks", task), ("/review", review), ("/logout", "csrf=\(session.csrf)")] {
                    let reply = try await hub.post(Data(form.utf8), headers, path: path)
                    #expect((300..<500).contains(reply.status), "\(path): \(reply.status)")
                }
                for path in ["/tasks/new", "/tasks/4.1/edit", "/", "/export/overview.csv"] {
                    let reply = try await hub.get(path, cookie.map { ["Cookie: \($0)"] } ?? [])
                    #expect(reply.status == 303, "\(path): \(reply.status)")
                }
            }
            #expect(try await hub.snapshot() == before)
        }
    }
}

/// A hub on loopback with a hand-moved clock and a log that the test reads.
struct AbuseHub: Sendable {
    let url: String
    let store: HubStore
    let clock: ManualClock
    let client = CurlHTTPClient()

    func post(_ body: Data, _ headers: [String], path: String = SyncProtocol.path) async throws -> CurlHTTPClient.Reply {
        let client = client, url = url
        return try await runBlocking { try client.post(url: url + path, body: body, headers: headers) }
    }

    func get(_ path: String, _ headers: [String] = []) async throws -> CurlHTTPClient.Reply {
        let client = client, url = url
        return try await runBlocking { try client.get(url: url + path, headers: headers) }
    }

    /// Everything a refused request must leave alone: fields, audit, log, nodes' sequences.
    func snapshot() async throws -> [String] {
        let fields = try await store.allFields().map { "\($0.key)=\($0.value.value)@\($0.value.stamp)" }.sorted()
        let audit = try await store.audit().map { "\($0.id) \($0.outcome)" }
        let nodes = try await store.nodes().map { "\($0.node) \($0.lastSeq)" }
        return fields + audit + nodes
    }
}

func withAbuseHub(_ body: @escaping @Sendable (AbuseHub) async throws -> Void) async throws {
    let clock = ManualClock(millis: Int64(Date().timeIntervalSince1970 * 1000))
    try await withRunningHub(clock: clock.physical) { url, store in
        try await body(AbuseHub(url: url, store: store, clock: clock))
    }
}
