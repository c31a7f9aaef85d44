import Foundation
import SyncCore
import Testing

@Suite("Store")
struct StoreTests {
    let scratch = Scratch()

    @Test("a local write stores the fields and their outbox entries together, with one stamp")
    func localWrite() async throws {
        let store = try AgentStore(path: scratch.path("a.sqlite"), clock: HybridLogicalClock(physical: PhysicalClock { 5_000 }))
        try await store.configureAgent(AgentIdentity(node: "n-1", commune: "long-dong", hubURL: "http://h", tokenFile: "/t"))
        let writes = [
            FieldWrite(collection: "progress", record: "long-dong/4.1", field: "status", value: .text("done")),
            FieldWrite(collection: "progress", record: "long-dong/4.1", field: "percent", value: .int(100)),
        ]
        let changes = try await store.record(writes, actor: "Nguyễn Văn A", node: "n-1")
        #expect(Set(changes.map(\.stamp)).count == 1)
        #expect(try await store.fields(of: .progress, record: "long-dong/4.1") == ["status": .text("done"), "percent": .int(100)])
        let batch = try await store.outboxBatch(limit: 10)
        #expect(batch.map(\.change) == changes)
        #expect(batch.map(\.seq) == [1, 2])
        #expect(try await store.agentSyncState().pending == 2)
    }

    @Test("the store runs in WAL mode with synchronous=FULL and passes integrity_check")
    func durabilitySettings() async throws {
        let path = scratch.path("b.sqlite")
        let store = try AgentStore(path: path)
        #expect(try await store.integrityCheck() == "ok")
        #expect(try await store.pragma("journal_mode") == "wal")
        #expect(try await store.pragma("synchronous") == "2")
        #expect(try await store.pragma("cache_size") == "-2000", "SQLite's default page cache, which the agent keeps")
        try await store.setWriterCacheSize(megabytes: 32)
        #expect(try await store.pragma("cache_size") == "-32768")
    }

    @Test("a deleted record stays as a tombstone field that syncs like any other")
    func tombstone() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        try await node.report("4.1", .inProgress, percent: 20)
        try await node.store.record([FieldWrite(collection: "progress", record: "long-dong/4.1", field: deletedField, value: .int(1))],
                                    actor: "Cán bộ", node: node.identity.node)
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        let merged = try await district.hub.fields(of: .progress, record: "long-dong/4.1")
        #expect(merged[deletedField] == .int(1))
        #expect(try await district.hub.hubStatus().communes.first { $0.code == "long-dong" }?.progress["4.1"] == nil)
    }

    @Test("a report on a deleted record lifts its tombstone, at the agent and at the hub")
    func tombstoneLifted() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        try await node.report("4.1", .inProgress, percent: 20, note: "Lần đầu")
        try await node.store.record([FieldWrite(collection: "progress", record: "long-dong/4.1", field: deletedField, value: .int(1))],
                                    actor: "Cán bộ", node: node.identity.node)
        // Built from the values read in its own transaction: the note is carried over.
        try await node.store.record(actor: "Cán bộ", node: node.identity.node) { current in
            try ProgressReport(task: "4.1", status: .done, by: "Cán bộ")
                .writes(commune: "long-dong", current: current(.progress, "long-dong/4.1"))
        }
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        for fields in [try await node.store.fields(of: .progress, record: "long-dong/4.1"),
                       try await district.hub.fields(of: .progress, record: "long-dong/4.1")] {
            #expect(fields[deletedField] == .int(0))
            #expect(fields["note"] == .text("Lần đầu"))
            #expect(fields["status"] == .text("done"))
        }
        #expect(try await district.hub.hubStatus().communes.first { $0.code == "long-dong" }?.progress["4.1"]?["status"] == .text("done"))
    }

    @Test("an agent store refuses to change node or commune once set")
    func identityIsFixed() async throws {
        let store = try AgentStore(path: scratch.path("c.sqlite"))
        try await store.configureAgent(AgentIdentity(node: "n-1", commune: "long-dong", hubURL: "http://h", tokenFile: "/t"))
        try await store.configureAgent(AgentIdentity(node: "n-1", commune: "long-dong", hubURL: "https://new", tokenFile: "/t2"))
        #expect(try await store.agentIdentity().hubURL == "https://new")
        await #expect(throws: SyncError.self) {
            try await store.configureAgent(AgentIdentity(node: "n-2", commune: "long-dong", hubURL: "http://h", tokenFile: "/t"))
        }
        await #expect(throws: SyncError.self) {
            try await store.configureAgent(AgentIdentity(node: "n-1", commune: "bac-quynh", hubURL: "http://h", tokenFile: "/t"))
        }
    }

    @Test("importing the same tasks twice changes nothing the second time")
    func importIsIdempotent() async throws {
        let district = try await District()
        let before = try await district.hub.audit().count
        let path = district.scratch.path("tasks.json")
        #expect(try await district.hub.importTasks(try TaskCatalog.load(path: path), actor: "again") == 0)
        #expect(try await district.hub.audit().count == before)
    }
}
