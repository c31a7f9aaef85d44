import GRDB

/// The district's store: the merged fields of every commune, the log nodes pull from, the
/// audit of every change received, the enrolled nodes and the dashboard's accounts. Never an
/// outbox: the district's own writes are merged and logged as they are made.
public final class HubStore: ReplicaStore {
    public static let role = StoreRole.hub
    public static var migrator: DatabaseMigrator { Migrations.hub }
    public let database: ReplicaDatabase
    /// The exchanges waiting to be committed together.
    let exchangeQueue = ExchangeQueue()

    public init(writer: any DatabaseWriter, clock: HybridLogicalClock = HybridLogicalClock()) throws {
        database = try ReplicaDatabase(writer: writer, clock: clock, role: Self.role, migrator: Self.migrator)
    }
}
