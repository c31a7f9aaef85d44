import Foundation
import SyncCore
import Testing

@Suite("Sync exchange")
struct SyncExchangeTests {
    @Test("a node pulls its commune's tasks and communes, not other communes' or the offices'")
    func pullScope() async throws {
        let district = try await District()
        let longDong = try await district.node("long-dong")
        let bacQuynh = try await district.node("bac-quynh")
        try await longDong.client(district.transport).syncUntilDrained(token: longDong.token)
        try await bacQuynh.client(district.transport).syncUntilDrained(token: bacQuynh.token)
        #expect(try await longDong.store.agentTasks(commune: "long-dong").map(\.id) == ["4.1", "4.3", "9.1"])
        #expect(try await bacQuynh.store.agentTasks(commune: "bac-quynh").map(\.id) == ["4.1", "4.3"])
        #expect(try await bacQuynh.store.records(of: .tasks)["9.1"] == nil)
        #expect(try await bacQuynh.store.records(of: .tasks)["6.1"] == nil)
        #expect(try await bacQuynh.store.records(of: .communes).keys.sorted() == ["bac-quynh"])

        try await longDong.report("9.1", .inProgress, percent: 10)
        try await longDong.client(district.transport).syncUntilDrained(token: longDong.token)
        try await bacQuynh.client(district.transport).syncUntilDrained(token: bacQuynh.token)
        #expect(try await bacQuynh.store.records(of: .progress).isEmpty)
    }

    @Test("a task newly assigned to a commune reaches it whole, and one reassigned away tells it so")
    func reassignment() async throws {
        let district = try await District()
        let bacQuynh = try await district.node("bac-quynh")
        try await bacQuynh.client(district.transport).syncUntilDrained(token: bacQuynh.token)
        #expect(try await bacQuynh.store.records(of: .tasks)["9.1"] == nil)
        try await district.hub.recordDistrict([FieldWrite(collection: "tasks", record: "9.1", field: "communes",
                                                          value: .text(#"["long-dong","bac-quynh"]"#))], actor: "Phòng Nội vụ")
        try await bacQuynh.client(district.transport).syncUntilDrained(token: bacQuynh.token)
        #expect(try await bacQuynh.store.fields(of: .tasks, record: "9.1")["title"] == .text("Nhiệm vụ riêng của Long Đống"))
        #expect(try await bacQuynh.store.agentTasks(commune: "bac-quynh").map(\.id) == ["4.1", "4.3", "9.1"])

        try await district.hub.recordDistrict([FieldWrite(collection: "tasks", record: "9.1", field: "communes",
                                                          value: .text(#"["long-dong"]"#))], actor: "Phòng Nội vụ")
        try await bacQuynh.client(district.transport).syncUntilDrained(token: bacQuynh.token)
        #expect(try await bacQuynh.store.agentTasks(commune: "bac-quynh").map(\.id) == ["4.1", "4.3"])
    }

    @Test("two nodes of one commune converge through the hub; the losing write is in the audit")
    func conflictingNodes() async throws {
        let district = try await District()
        let desk = try await district.node("long-dong", name: "one-stop desk")
        let laptop = try await district.node("long-dong", name: "laptop")
        for node in [desk, laptop] { try await node.client(district.transport).syncUntilDrained(token: node.token) }

        try await desk.report("4.1", .inProgress, percent: 40, note: "Đang dự thảo", by: "Nguyễn Văn A")
        district.advance(1_000, [desk, laptop])
        try await laptop.report("4.1", .done, note: "Đã ban hành", by: "Trần Thị B")
        // The earlier write reaches the hub last, and loses there.
        try await laptop.client(district.transport).syncUntilDrained(token: laptop.token)
        try await desk.client(district.transport).syncUntilDrained(token: desk.token)
        try await laptop.client(district.transport).syncUntilDrained(token: laptop.token)

        let hubFields = try await district.hub.fields(of: .progress, record: "long-dong/4.1")
        #expect(hubFields["status"] == .text("done"))
        #expect(hubFields["note"] == .text("Đã ban hành"))
        #expect(hubFields["percent"] == .int(100))
        for node in [desk, laptop] {
            #expect(try await node.store.fields(of: .progress, record: "long-dong/4.1") == hubFields)
        }
        let lost = try await district.hub.audit(commune: "long-dong").filter { $0.outcome == .lost }
        #expect(Set(lost.map(\.field)) == ["status", "percent", "note", "evidence", "by"])
        let lostNote = try #require(lost.first { $0.field == "note" })
        #expect(lostNote.value == .text("Đang dự thảo"))
        #expect(lostNote.oldValue == .text("Đã ban hành"))
        #expect(lostNote.node == desk.identity.node)
        #expect(lostNote.actor == "Nguyễn Văn A")
    }

    @Test("a node cannot write another commune's records, district fields or tasks; each refusal is audited and the rest goes through")
    func authority() async throws {
        let district = try await District()
        let intruder = try await district.node("bac-quynh")
        try await intruder.client(district.transport).syncUntilDrained(token: intruder.token)
        let writes = [
            FieldWrite(collection: "progress", record: "long-dong/4.1", field: "status", value: .text("done")),
            FieldWrite(collection: "progress", record: "bac-quynh/4.1", field: "review", value: .text("accepted")),
            FieldWrite(collection: "tasks", record: "4.1", field: "title", value: .text("Đổi tên")),
            FieldWrite(collection: "progress", record: "bac-quynh/9.1", field: "status", value: .text("done")),
            FieldWrite(collection: "progress", record: "bac-quynh/4.1", field: "percent", value: .int(500)),
            FieldWrite(collection: "progress", record: "bac-quynh/4.1", field: "status", value: .text("blocked")),
        ]
        for write in writes { try await intruder.store.record([write], actor: "Kẻ lạ", node: intruder.identity.node) }
        let summary = try await intruder.client(district.transport).syncUntilDrained(token: intruder.token)
        #expect(summary.rejected == 5)

        #expect(try await district.hub.fields(of: .progress, record: "long-dong/4.1").isEmpty)
        #expect(try await district.hub.fields(of: .tasks, record: "4.1")["title"] != .text("Đổi tên"))
        #expect(try await district.hub.fields(of: .progress, record: "bac-quynh/4.1") == ["status": .text("blocked")])
        let refused = try await district.hub.audit().filter { $0.outcome == .rejected }
        #expect(refused.map(\.reasonCode) == ["out_of_scope", "district_only", "district_only", "unknown_task", "invalid_value"])
        let shown = try await intruder.store.rejectedWrites()
        #expect(shown.count == 5)
        #expect(try await intruder.store.agentSyncState().pending == 0)
        #expect(try await intruder.store.agentSyncState().rejected == 5)
    }

    @Test("a token for another node or commune, or a revoked token, is refused before anything is written")
    func credentials() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        let other = try await district.node("bac-quynh")
        try await node.report("4.1", .inProgress, percent: 5)
        let auditBefore = try await district.hub.audit().count
        // The other commune's token with this node's store.
        await #expect(throws: SyncError.self) { try await node.client(district.transport).syncUntilDrained(token: other.token) }
        await #expect(throws: SyncError.self) { try await node.client(district.transport).syncUntilDrained(token: "n-00.guess") }
        try await district.hub.revoke(node: node.identity.node)
        do {
            try await node.client(district.transport).syncUntilDrained(token: node.token)
            Issue.record("a revoked token synced")
        } catch let error as SyncError {
            #expect(error.code == .unauthorized)
        }
        #expect(try await district.hub.audit().count == auditBefore)
        #expect(try await node.store.agentSyncState().pending == 5)
        #expect(try await node.store.agentSyncState().lastError != nil)
    }

    @Test("an acknowledgement covers only what was sent: a refusal for an entry another sync sent still arrives")
    func acksOnlyWhatWasSent() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        try await node.report("4.1", .inProgress, percent: 10)
        // A write the hub refuses (task 6.1 is the Interior Office's, not the commune's).
        try await node.store.record([FieldWrite(collection: "progress", record: "long-dong/6.1", field: "note", value: .text("Nhầm"))],
                                    actor: "Cán bộ", node: node.identity.node)
        let pending = try await node.store.agentSyncState().pending
        // Everything reaches the hub, but the reply is lost.
        district.transport.dropReplies(1)
        await #expect(throws: SyncError.self) { try await node.client(district.transport).syncUntilDrained(token: node.token) }
        // The retry sends one entry at a time: the first reply acknowledges the whole batch the hub has.
        let step = try await node.client(district.transport, batchSize: 1).exchangeOnce(token: node.token)
        #expect(step.pushed == 1)
        #expect(try await node.store.agentSyncState().pending == pending - 1)
        try await node.client(district.transport, batchSize: 1).syncUntilDrained(token: node.token)
        #expect(try await node.store.agentSyncState().rejected == 1)
        #expect(try await node.store.rejectedWrites().map(\.code) == ["unknown_task"])
        #expect(try await node.store.fields(of: .progress, record: "long-dong/6.1").isEmpty)
    }

    @Test("a sequence number sent again with the same field and stamp but another value or actor is refused as reused")
    func sequenceReusedWithOtherContent() async throws {
        let district = try await District()
        let send = try await Self.pushOneByOne(district)
        let change = Self.note("Đã họp", actor: "Nguyễn Văn A")
        #expect(try await send(change).acked == 1)
        #expect(try await send(change).acked == 1, "the very same change again is a duplicate")
        var otherValue = change
        otherValue.value = .text("Chưa họp")
        var otherActor = change
        otherActor.actor = "Trần Thị B"
        for reused in [otherValue, otherActor] {
            let error = await #expect(throws: SyncError.self) { try await send(reused) }
            #expect(error?.code == .sequenceReused)
        }
        #expect(try await district.hub.fields(of: .progress, record: "long-dong/4.1")["note"] == .text("Đã họp"))
    }

    @Test("a refused change whose texts hold a NUL, sent again, is answered as the first time, not taken for a reused sequence number")
    func refusedTextWithNulSentAgain() async throws {
        let district = try await District()
        let send = try await Self.pushOneByOne(district)
        // Refused for its control character; the audit keeps it as sent, NUL and all.
        let change = Self.note("Đã họp\u{0}xong", actor: "Nguyễn\u{0}Văn A")
        let first = try await send(change)
        #expect(first.acked == 1 && first.rejected.map(\.seq) == [1])
        let again = try await send(change)
        #expect(again.acked == 1 && again.rejected == first.rejected)
        #expect(try await district.hub.audit().first { $0.outcome == .rejected }?.value == change.value)
    }

    /// A Long Đống node's exchange of one change at a time, straight into the hub: what the
    /// sequence-number tests send and send again.
    private static func pushOneByOne(_ district: District) async throws -> @Sendable (PushedChange) async throws -> SyncResponse {
        let node = try await district.node("long-dong")
        let identity = try await district.hub.authenticate(token: node.token)
        let hub = district.hub
        return { change in
            try await hub.exchange(SyncRequest(node: identity.node, commune: "long-dong", clock: District.epoch, cursor: 0,
                                               changes: [change]), from: identity).response
        }
    }

    /// Change 1 of a node: a note on task 4.1's report.
    private static func note(_ text: String, actor: String) -> PushedChange {
        PushedChange(seq: 1, collection: "progress", record: "long-dong/4.1", field: "note", value: .text(text),
                     hlc: HLC(wall: District.epoch), actor: actor)
    }

    @Test("a reply lost after the hub committed: the retry duplicates nothing and drains the outbox")
    func lostReply() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        try await node.report("4.1", .done, by: "Nguyễn Văn A")
        district.transport.dropReplies(1)
        await #expect(throws: SyncError.self) { try await node.client(district.transport).syncUntilDrained(token: node.token) }
        #expect(try await node.store.agentSyncState().pending == 5)
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        #expect(try await node.store.agentSyncState().pending == 0)

        let audit = try await district.hub.audit().filter { $0.node == node.identity.node }
        #expect(audit.filter { $0.outcome == .applied }.count == 5)
        #expect(audit.filter { $0.outcome == .duplicate }.count == 5)
        let appliedSeqs = audit.filter { $0.outcome != .duplicate }.compactMap(\.seq)
        #expect(appliedSeqs == [1, 2, 3, 4, 5])
        #expect(try await district.hub.fields(of: .progress, record: "long-dong/4.1")["status"] == .text("done"))
    }

    @Test("batches are bounded: a long backlog drains in several exchanges, both ways")
    func boundedBatches() async throws {
        let district = try await District()
        let writer = try await district.node("long-dong")
        let reader = try await district.node("long-dong")
        for index in 0..<25 {
            try await writer.report("4.1", .inProgress, percent: index % 100, note: "lần \(index)")
            district.advance(1, [writer, reader])
        }
        let pushed = try await writer.client(district.transport, batchSize: 7).syncUntilDrained(token: writer.token)
        #expect(pushed.pushed == 25 * 5)  // status, percent, note, evidence, by
        #expect(pushed.exchanges >= 11)
        let pulled = try await reader.client(district.transport, pullLimit: 10).syncUntilDrained(token: reader.token)
        #expect(pulled.exchanges >= 8)
        #expect(try await reader.store.fields(of: .progress, record: "long-dong/4.1")["note"] == .text("lần 24"))
    }

    @Test("a store restored from an older backup cannot have its new writes taken for duplicates")
    func restoredStoreIsRefused() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        let backup = district.scratch.path("backup.sqlite")
        try await node.store.backup(to: backup)
        try await node.report("4.1", .inProgress, percent: 30)
        try await node.client(district.transport).syncUntilDrained(token: node.token)

        // The office restores yesterday's copy and reports again: the same sequence numbers.
        let restored = try AgentStore(path: backup, clock: HybridLogicalClock(physical: node.clock.physical))
        district.advance(1_000, [node])
        let writes = try ProgressReport(task: "4.1", status: .done, by: "Cán bộ").writes(commune: "long-dong", current: [:])
        try await restored.record(writes, actor: "Cán bộ", node: node.identity.node)
        do {
            try await SyncClient(store: restored, transport: district.transport).syncUntilDrained(token: node.token)
            Issue.record("a reused sequence was accepted")
        } catch let error as SyncError {
            #expect(error.code == .sequenceReused)
        }
        #expect(try await restored.agentSyncState().pending == 5)
        #expect(try await district.hub.fields(of: .progress, record: "long-dong/4.1")["status"] == .text("in_progress"))

        // Re-enrolled, the restored store sends its pending report under the new node.
        let enrollment = try await district.hub.enroll(commune: "long-dong", name: nil, label: "after restore")
        await #expect(throws: SyncError.self) {
            try await restored.configureAgent(AgentIdentity(node: enrollment.node, commune: "long-dong", hubURL: "memory://hub", tokenFile: "/dev/null"))
        }
        try await restored.configureAgent(AgentIdentity(node: enrollment.node, commune: "long-dong", hubURL: "memory://hub", tokenFile: "/dev/null"),
                                          rebind: true)
        try await SyncClient(store: restored, transport: district.transport).syncUntilDrained(token: enrollment.token)
        #expect(try await restored.agentSyncState().pending == 0)
        #expect(try await district.hub.fields(of: .progress, record: "long-dong/4.1")["status"] == .text("done"))
    }
}
