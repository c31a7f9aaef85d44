import Foundation
import GRDB
import SyncCore
import Testing

@Suite("Stores by role")
struct StoreRoleTests {
    let scratch = Scratch()

    static let shared: Set<String> = ["grdb_migrations", "meta", "clock", "fields"]

    @Test("a new agent store has the shared tables and its outbox and uploads, nothing of the hub's")
    func agentSchema() async throws {
        let store = try AgentStore(writer: DatabaseQueue())
        #expect(try await store.tableNames() == Self.shared.union(["outbox", "uploads"]))
    }

    @Test("a new hub store has the shared tables and its own, no outbox")
    func hubSchema() async throws {
        let store = try HubStore(writer: DatabaseQueue())
        #expect(try await store.tableNames() == Self.shared.union(["nodes", "hub_log", "audit", "users", "sessions", "files", "file_owners"]))
    }

    @Test("an in-memory agent records and reads back like a file-backed one")
    func inMemoryAgent() async throws {
        let store = try AgentStore(writer: DatabaseQueue(), clock: HybridLogicalClock(physical: PhysicalClock { 5_000 }))
        try await store.configureAgent(AgentIdentity(node: "n-1", commune: "long-dong", hubURL: "http://h", tokenFile: "/t"))
        try await store.record([FieldWrite(collection: "progress", record: "long-dong/4.1", field: "note", value: .text("Đã họp"))],
                               actor: "Nguyễn Văn A", node: "n-1")
        #expect(try await store.fields(of: .progress, record: "long-dong/4.1") == ["note": .text("Đã họp")])
        #expect(try await store.agentSyncState().pending == 1)
    }

    @Test("each role refuses the other's file and leaves its tables and rows as they were")
    func roleRefused() async throws {
        let agentPath = scratch.path("agent.sqlite"), hubPath = scratch.path("hub.sqlite")
        try await AgentStore(path: agentPath).checkpoint()
        try await HubStore(path: hubPath).checkpoint()
        let agentContent = try content(agentPath), hubContent = try content(hubPath)
        let refusedByHub = #expect(throws: SyncError.self) { try HubStore(path: agentPath) }
        #expect(refusedByHub?.message.contains("commune agent") == true, "\(refusedByHub?.message ?? "")")
        let refusedByAgent = #expect(throws: SyncError.self) { try AgentStore(path: hubPath) }
        #expect(refusedByAgent?.message.contains("district hub") == true, "\(refusedByAgent?.message ?? "")")
        #expect(try content(agentPath) == agentContent)
        #expect(try content(hubPath) == hubContent)
    }

    /// Every table's definition and rows, as text. Not the file's bytes: opening any pool
    /// writes to the header (GRDB makes sure a WAL file exists by writing a transaction).
    private func content(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            var lines: [String] = []
            for (name, sql) in try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master ORDER BY name").map({ ($0[0] as String, $0[1] as String?) }) {
                lines.append(sql ?? name)
                guard try db.tableExists(name) else { continue }
                lines += try Row.fetchAll(db, sql: "SELECT * FROM \(name)").map(\.description)
            }
            return lines
        }
    }

    @Test("the district's writes are checked like a node's, and the status skips a malformed record instead of crashing")
    func districtRecordIDs() async throws {
        let queue = try DatabaseQueue()
        let hub = try HubStore(writer: queue)
        await #expect(throws: SyncError.self) {
            try await hub.recordDistrict([FieldWrite(collection: "progress", record: "/4.1", field: "review", value: .text("accepted"))],
                                         actor: "test")
        }
        await #expect(throws: SyncError.self) {
            try await hub.recordDistrict([FieldWrite(collection: "votes", record: "x", field: "y", value: .text("z"))], actor: "test")
        }
        #expect(try await hub.allFields().isEmpty)
        #expect(try await hub.audit().isEmpty)
        try await hub.recordDistrict([FieldWrite(collection: "progress", record: "long-dong/4.1", field: "review", value: .text("accepted"))],
                                     actor: "test")
        // A row a store from before the check may hold.
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO fields(collection, record, field, value, wall, counter, node, actor)
                VALUES ('progress', '/4.1', 'review', 'accepted', 1, 0, 'district', 'old')
                """)
        }
        let status = try await hub.hubStatus()
        #expect(status.communes.isEmpty)
        #expect(try await hub.records(of: .progress).count == 2)
    }
}
