import Foundation
import SyncCore
import TestSupport
import Testing

/// Wraps the in-memory transport and remembers every request, so the test can replay old ones.
private final class RecordingTransport: SyncTransport, @unchecked Sendable {
    let inner: InMemorySyncTransport
    private let lock = NSLock()
    private(set) var sent: [(SyncRequest, String)] = []

    init(_ inner: InMemorySyncTransport) {
        self.inner = inner
    }

    func exchange(_ request: SyncRequest, token: String) async throws -> SyncResponse {
        lock.withLock { sent.append((request, token)) }
        return try await inner.exchange(request, token: token)
    }
}

@Suite("Convergence (property)")
struct ConvergencePropertyTests {
    @Test("random edits and random partial, lost-reply, replayed and interleaved syncs converge to the LWW oracle",
          arguments: 0..<8)
    func converges(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let district = try await District()
        let transport = RecordingTransport(district.transport)
        var replicas: [Replica] = []
        for index in 0..<Int.random(in: 2...6, using: &random) {
            replicas.append(try await district.node(index % 3 == 2 ? "bac-quynh" : "long-dong", skew: Int64.random(in: -800...800, using: &random)))
        }
        var recorded: [FieldChange] = []
        let notes = ["", "Đang làm", "Đã xong", "Thiếu kinh phí", "Chờ huyện"]

        for _ in 0..<120 {
            district.advance(Int64.random(in: 0...300, using: &random), replicas)
            let replica = replicas.randomElement(using: &random)!
            if Int.random(in: 0..<8, using: &random) == 0 {
                replica.clock.advance(by: -Int64.random(in: 0...500, using: &random))  // a small jump back
            }
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                let write = randomWrite(for: replica.identity.commune, notes: notes, using: &random)
                recorded += try await replica.store.record([write], actor: "Cán bộ \(replica.identity.node)", node: replica.identity.node)
            case 5, 6:
                let client = replica.client(transport, batchSize: Int.random(in: 1...4, using: &random),
                                            pullLimit: Int.random(in: 1...6, using: &random))
                _ = try await client.exchangeOnce(token: replica.token)
            case 7:
                district.transport.dropReplies(1)
                await #expect(throws: SyncError.self) { try await replica.client(transport, batchSize: 3).exchangeOnce(token: replica.token) }
                district.transport.dropReplies(0)
            case 8:
                try await replica.client(transport).syncUntilDrained(token: replica.token)
            default:
                guard let (old, token) = transport.sent.randomElement(using: &random) else { continue }
                let before = try await district.hub.allFields().mapValues(\.stamp)
                _ = try await district.transport.exchange(old, token: token)
                #expect(try await district.hub.allFields().mapValues(\.stamp) == before)
            }
        }
        for _ in 0..<2 {
            for replica in replicas { try await replica.client(transport).syncUntilDrained(token: replica.token) }
        }

        // The hub holds, for every field written, the write with the greatest stamp.
        let hubFields = try await district.hub.allFields()
        for (key, writes) in Dictionary(grouping: recorded, by: \.key) {
            let winner = writes.max { $0.stamp < $1.stamp }!
            #expect(hubFields[key]?.stamp == winner.stamp, "seed \(seed) \(key)")
            #expect(hubFields[key]?.value == winner.value, "seed \(seed) \(key)")
        }
        // Every replica holds exactly the hub's version of what concerns its commune.
        for replica in replicas {
            let commune = replica.identity.commune
            let mine = hubFields.filter { key, _ in District.concerns(key, commune: commune, hubFields: hubFields) }
            let local = try await replica.store.allFields()
            #expect(local.count == mine.count, "seed \(seed) \(replica.identity.node)")
            for (key, field) in mine {
                #expect(local[key]?.stamp == field.stamp && local[key]?.value == field.value, "seed \(seed) \(key)")
            }
            #expect(try await replica.store.agentSyncState().pending == 0)
        }
        // No change applied twice, none missing, none re-stamped (the skews stay within the drift).
        let audit = try await district.hub.audit().filter { $0.node != districtNodeID }
        let firstTimes = audit.filter { $0.outcome != .duplicate }
        #expect(firstTimes.count == recorded.count)
        #expect(Set(firstTimes.map { "\($0.node)#\($0.seq ?? -1)" }).count == firstTimes.count)
        #expect(audit.allSatisfy { $0.appliedHlc == nil })
    }

    private func randomWrite(for commune: String, notes: [String], using random: inout SeededRandom) -> FieldWrite {
        if Bool.random(using: &random) {
            let tasks = commune == "long-dong" ? ["4.1", "4.3", "9.1"] : ["4.1", "4.3"]
            let record = "\(commune)/\(tasks.randomElement(using: &random)!)"
            switch Int.random(in: 0..<3, using: &random) {
            case 0:
                return FieldWrite(collection: "progress", record: record, field: "status",
                                  value: .text(ProgressStatus.allCases.randomElement(using: &random)!.rawValue))
            case 1:
                return FieldWrite(collection: "progress", record: record, field: "percent", value: .int(Int64.random(in: 0...100, using: &random)))
            default:
                return FieldWrite(collection: "progress", record: record, field: "note", value: .text(notes.randomElement(using: &random)!))
            }
        }
        let kind = EquipmentKind.allCases.randomElement(using: &random)!
        let record = "\(commune)/\(kind.rawValue)"
        return kind.isDevice
            ? FieldWrite(collection: "equipment", record: record, field: "needed", value: .int(Int64.random(in: 0...9, using: &random)))
            : FieldWrite(collection: "equipment", record: record, field: "provider", value: .text(["VNPT", "Viettel"].randomElement(using: &random)!))
    }
}
