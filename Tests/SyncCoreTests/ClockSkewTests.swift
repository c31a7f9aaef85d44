import Foundation
import SyncCore
import Testing

private let year: Int64 = 365 * 86_400_000

@Suite("Clock skew")
struct ClockSkewTests {
    @Test("a node years ahead neither drags the hub's clock nor wins later conflicts, and replicas agree")
    func aheadByYears() async throws {
        let district = try await District()
        let runaway = try await district.node("long-dong", skew: 3 * year)
        let honest = try await district.node("long-dong")
        try await runaway.report("4.1", .inProgress, note: "Máy nhanh 3 năm", by: "A")
        try await runaway.client(district.transport).syncUntilDrained(token: runaway.token)

        #expect(try await district.hub.clockHighWater().wall <= district.hubClock.physical.now() + 2_000)
        let restamped = try await district.hub.audit().filter { $0.node == runaway.identity.node }
        #expect(!restamped.isEmpty && restamped.allSatisfy { $0.appliedHlc != nil })
        // The runaway node adopted the hub's stamps, so it agrees with the hub field by field.
        let key = FieldKey(collection: "progress", record: "long-dong/4.1", field: "note")
        #expect(try await runaway.store.allFields()[key]?.stamp == district.hub.allFields()[key]?.stamp)

        district.advance(1_000, [runaway, honest])
        try await honest.client(district.transport).syncUntilDrained(token: honest.token)
        try await honest.report("4.1", .inProgress, note: "Sửa sau", by: "B")
        try await honest.client(district.transport).syncUntilDrained(token: honest.token)
        try await runaway.client(district.transport).syncUntilDrained(token: runaway.token)
        #expect(try await district.hub.fields(of: .progress, record: "long-dong/4.1")["note"] == .text("Sửa sau"))
        #expect(try await runaway.store.fields(of: .progress, record: "long-dong/4.1")["note"] == .text("Sửa sau"))
        #expect(try await runaway.store.agentSyncState().clockOffsetMs.map { $0 < -2 * year } == true)
        #expect(try await district.hub.clockHighWater().wall <= district.hubClock.physical.now() + 2_000)
    }

    @Test("a restamped report keeps one stamp for all its fields, and each report its own")
    func restampedReportStaysWhole() async throws {
        let district = try await District()
        let runaway = try await district.node("long-dong", skew: year)
        try await runaway.report("4.1", .inProgress, percent: 20, note: "Báo cáo một", by: "A")
        try await runaway.report("4.3", .blocked, note: "Báo cáo hai", by: "A")
        try await runaway.client(district.transport).syncUntilDrained(token: runaway.token)
        let audit = try await district.hub.audit().filter { $0.node == runaway.identity.node }
        let appliedBySent = Dictionary(grouping: audit, by: \.hlc).mapValues { Set($0.map(\.appliedHlc)) }
        #expect(appliedBySent.count == 2)
        #expect(appliedBySent.values.allSatisfy { $0.count == 1 && $0.first! != nil })
        #expect(Set(appliedBySent.values.map { $0.first! }).count == 2)
    }

    @Test("a batch ends between two reports, not inside one, unless one report is larger than the batch")
    func batchesKeepReportsWhole() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        let first = try await node.report("4.1", .inProgress, percent: 20, note: "Một", by: "A")
        try await node.report("4.3", .blocked, note: "Hai", by: "A")
        #expect(try await node.store.outboxBatch(limit: first.count + 1).map(\.change) == first)
        #expect(try await node.store.outboxBatch(limit: first.count - 1).count == first.count - 1)
    }

    @Test("a node years behind wins a later conflict once it has talked to the hub")
    func behindByYears() async throws {
        let district = try await District()
        let honest = try await district.node("long-dong")
        let stale = try await district.node("long-dong", skew: -26 * year)
        try await honest.report("4.1", .inProgress, note: "Trước", by: "B")
        try await honest.client(district.transport).syncUntilDrained(token: honest.token)
        try await stale.client(district.transport).syncUntilDrained(token: stale.token)
        #expect(try await stale.store.agentSyncState().clockOffsetMs.map { $0 > 25 * year } == true)

        district.advance(1_000, [honest, stale])
        try await stale.report("4.1", .blocked, note: "Sau, từ máy chậm giờ", by: "C")
        try await stale.client(district.transport).syncUntilDrained(token: stale.token)
        try await honest.client(district.transport).syncUntilDrained(token: honest.token)
        #expect(try await district.hub.fields(of: .progress, record: "long-dong/4.1")["note"] == .text("Sau, từ máy chậm giờ"))
        #expect(try await honest.store.fields(of: .progress, record: "long-dong/4.1")["status"] == .text("blocked"))
    }

    @Test("a reply with a restamp, lost and retried, still gives the node the hub's stamp")
    func restampSurvivesLostReply() async throws {
        let district = try await District()
        let runaway = try await district.node("long-dong", skew: year)
        try await runaway.report("4.3", .inProgress, percent: 30, by: "A")
        district.transport.dropReplies(1)
        await #expect(throws: SyncError.self) { try await runaway.client(district.transport).syncUntilDrained(token: runaway.token) }
        try await runaway.client(district.transport).syncUntilDrained(token: runaway.token)
        let hub = try await district.hub.allFields().filter { $0.key.collection == "progress" }
        let node = try await runaway.store.allFields().filter { $0.key.collection == "progress" }
        #expect(hub.count == 5)
        for (key, field) in hub {
            #expect(node[key]?.stamp == field.stamp)
        }
    }
}
