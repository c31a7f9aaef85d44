import Foundation
import SyncCore
import TestSupport
import Testing

/// The audit's filters as the indexes serve them (`AuditQuery`) select exactly the entries a
/// plain reading of the filter does, in the same order, and keyset pages join up to the whole:
/// no entry twice, none skipped, whichever filter and direction.
@Suite("Audit queries")
struct AuditQueryTests {
    @Test("every filter, paged a few entries at a time in either direction, gives what a full read filtered by hand gives")
    func pagesJoinUp() async throws {
        let scratch = Scratch()
        let day: Int64 = 86_400_000
        let start = CalendarDay("2025-01-01")!.startMillis
        let clock = ManualClock(millis: start)
        let store = try HubStore(path: scratch.path("hub.sqlite"), clock: HybridLogicalClock(physical: clock.physical))
        // "xa-1-2" starts like "xa-1": a commune's filter must not take its neighbour's records.
        let communes = ["xa-1", "xa-1-2", "xa-3"]
        try await store.recordDistrict(communes.map { FieldWrite(collection: "communes", record: $0, field: "name", value: .text("Xã \($0)")) }
            + [FieldWrite(collection: "tasks", record: "4.1", field: "communes", value: .text("*"))], actor: "test")
        var nodes: [(commune: String, identity: NodeIdentity, seq: Int64)] = []
        for commune in communes + communes {
            let enrollment = try await store.enroll(commune: commune, name: nil, label: nil)
            nodes.append((commune, try await store.authenticate(token: enrollment.token), 0))
        }
        var random = SeededRandom(seed: 17)
        for round in 0..<60 {
            // Receive times mostly move on; now and then the hub's clock is set back a day.
            clock.set(start + Int64(round) * day / 2 - (round % 9 == 8 ? 3 * day : 0))
            let index = Int(random.next() % UInt64(nodes.count))
            let commune = nodes[index].commune
            var changes: [PushedChange] = []
            for position in 0..<Int(random.next() % 4 + 1) {
                nodes[index].seq += 1
                let roll = random.next() % 10
                let (collection, record, field): (String, String, String) = switch roll {
                case 0: ("progress", "\(communes[Int(random.next() % 3)])/4.1", "note")  // another commune's record: refused
                case 1: ("nonsense", "\(commune)/x", "y")
                case 2...4: ("equipment", "\(commune)/computer", ["total", "working"][Int(random.next() % 2)])
                default: ("progress", "\(commune)/4.1", ["percent", "note"][Int(random.next() % 2)])
                }
                let value: FieldValue = field == "note" ? .text("ghi chú \(round)") : .int(Int64(random.next() % 10))
                // Some stamped in the past: they lose to what is there.
                let wall = clock.physical.now() - (random.next() % 4 == 0 ? 5 * day : 0)
                changes.append(PushedChange(seq: nodes[index].seq, collection: collection, record: record, field: field, value: value,
                                            hlc: HLC(wall: wall, counter: UInt32(position)), actor: "Cán bộ"))
            }
            let request = SyncRequest(node: nodes[index].identity.node, commune: commune, clock: 0, cursor: 0, changes: changes)
            _ = try await store.exchange(request, from: nodes[index].identity)
            if round % 7 == 3 { _ = try await store.exchange(request, from: nodes[index].identity) }  // a retry
            if round % 5 == 0 {
                try await store.recordDistrict([FieldWrite(collection: "progress", record: "\(communes[round % 3])/4.1", field: "review",
                                                           value: .text(ReviewDecision.returned.rawValue))], actor: "noivu")
            }
        }
        let all = try await store.audit(AuditFilter())
        #expect(all.count > 150)
        #expect(Set(all.map(\.outcome)) == Set(AuditOutcome.allCases))

        let middle = start + 10 * day
        let filters: [(AuditFilter, (AuditEntry) -> Bool)] = [
            (AuditFilter(), { _ in true }),
            (AuditFilter(commune: "xa-1"), { Self.concerns($0, "xa-1") }),
            (AuditFilter(commune: "xa-1-2", collection: "progress"), { Self.concerns($0, "xa-1-2") && $0.collection == "progress" }),
            (AuditFilter(commune: "xa-3", recordPrefix: "xa-3/4"), { Self.concerns($0, "xa-3") && $0.record.hasPrefix("xa-3/4") }),
            (AuditFilter(collection: "equipment"), { $0.collection == "equipment" }),
            (AuditFilter(field: "note"), { $0.field == "note" }),
            (AuditFilter(outcome: .lost), { $0.outcome == .lost }),
            (AuditFilter(outcome: .applied), { $0.outcome == .applied }),
            (AuditFilter(fromMillis: middle), { $0.receivedAtMillis >= middle }),
            (AuditFilter(fromMillis: start + 5 * day, toMillis: middle), { $0.receivedAtMillis >= start + 5 * day && $0.receivedAtMillis < middle }),
            (AuditFilter(commune: "xa-1", toMillis: middle), { Self.concerns($0, "xa-1") && $0.receivedAtMillis < middle }),
        ]
        for (filter, keeps) in filters {
            for newestFirst in [true, false] {
                let byTime = filter.fromMillis != nil || filter.toMillis != nil
                var expected = all.filter(keeps).sorted { byTime && $0.receivedAtMillis != $1.receivedAtMillis ? $0.receivedAtMillis < $1.receivedAtMillis : $0.id < $1.id }
                if newestFirst { expected.reverse() }
                var paged = filter
                paged.newestFirst = newestFirst
                paged.limit = 7
                var got: [Int64] = []
                try await store.forEachAuditBatch(paged) { got += $0.map(\.id) }
                #expect(got == expected.map(\.id), "\(filter) newest first: \(newestFirst)")
                #expect(!expected.isEmpty, "\(filter)")
            }
        }
    }

    /// What the audit page means by a commune's entries: its own writes, and any write to its
    /// records (the district's, or another commune's, refused).
    static func concerns(_ entry: AuditEntry, _ commune: String) -> Bool {
        entry.commune == commune || entry.record == commune || entry.record.hasPrefix(commune + "/")
    }
}
