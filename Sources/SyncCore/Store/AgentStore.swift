import GRDB

/// A commune PC's store: the merged fields of its commune, the outbox of the office's own
/// writes (kept after acknowledgement as its history) and its identity and pull cursor in
/// `meta`. Never the hub's tables: `exchange` and the audit do not exist here.
public final class AgentStore: ReplicaStore {
    public static let role = StoreRole.agent
    public static var migrator: DatabaseMigrator { Migrations.agent }
    public let database: ReplicaDatabase

    public init(writer: any DatabaseWriter, clock: HybridLogicalClock = HybridLogicalClock()) throws {
        database = try ReplicaDatabase(writer: writer, clock: clock, role: Self.role, migrator: Self.migrator)
    }

    /// An agent's copy is the office's state as it was: nothing to change.
    public static func prepareCopy(_ db: Database) throws {}
}
