import Foundation
import GRDB

/// The state every replica keeps: the merged fields with the stamps that won, the clock's
/// high-water mark and the `meta` keys.
/// The clock's persisted high-water mark and the offset to add to the physical clock.
struct ClockState {
    var last: HLC
    var offset: Int64
}

/// The statements on `fields` that the merge prepares once per transaction.
enum FieldSQL {
    static let current = """
        SELECT value, wall, counter, node FROM fields
        WHERE collection = ?1 AND record = ?2 AND field = ?3
        """

    static let store = """
        INSERT INTO fields(collection, record, field, value, wall, counter, node, actor)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        ON CONFLICT(collection, record, field) DO UPDATE SET
          value = excluded.value, wall = excluded.wall, counter = excluded.counter,
          node = excluded.node, actor = excluded.actor
        """
}

extension ReplicaStore {
    func clockState(_ db: Database) throws -> ClockState {
        // Cached statements here and in the hub's exchange: every exchange runs them, and
        // preparing one anew (parsing, GRDB's authorizer) cost more than running it.
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT wall, counter, offset_ms FROM clock WHERE id = 1"))!
        return ClockState(last: HLC(wall: row[0], counter: UInt32(row[1] as Int64)), offset: row[2])
    }

    func saveClock(_ state: ClockState, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE clock SET wall = ?, counter = ?, offset_ms = ? WHERE id = 1")
            .execute(arguments: [state.last.wall, Int64(state.last.counter), state.offset])
    }

    func meta(_ key: String, _ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
    }

    func setMeta(_ key: String, _ value: String?, _ db: Database) throws {
        if let value {
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [key, value])
        } else {
            try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key])
        }
    }

    /// The current stamp and value of one field, if it was ever written.
    func currentField(_ key: FieldKey, _ db: Database) throws -> (stamp: Stamp, value: FieldValue)? {
        try currentField(key, using: BoundStatement(FieldSQL.current, db))
    }

    /// `currentField` with a statement prepared from `FieldSQL.current` by the caller.
    func currentField(_ key: FieldKey, using statement: BoundStatement) throws -> (stamp: Stamp, value: FieldValue)? {
        statement.bind(1, key.collection)
        statement.bind(2, key.record)
        statement.bind(3, key.field)
        guard try statement.step() else { return nil }
        defer { statement.reset() }
        let hlc = HLC(wall: statement.int64(1), counter: UInt32(truncatingIfNeeded: statement.int64(2)))
        return (Stamp(hlc: hlc, node: statement.text(3)), statement.fieldValue(0))
    }

    /// Stores a field's winning write (the caller has decided that it wins).
    func storeField(_ change: FieldChange, _ db: Database) throws {
        try storeField(change, using: BoundStatement(FieldSQL.store, db))
    }

    /// `storeField` with a statement prepared from `FieldSQL.store` by the caller.
    func storeField(_ change: FieldChange, using statement: BoundStatement) throws {
        statement.bind(change, from: 1)
        try statement.run()
    }

    /// The current values of the fields `keys` name, those ever written: a primary-key read
    /// each, for a few (the topics of the requests an audit page shows).
    public func values(of keys: Set<FieldKey>) async throws -> [FieldKey: FieldValue] {
        try await read { [self] db in
            let statement = try BoundStatement(FieldSQL.current, db)
            var values: [FieldKey: FieldValue] = [:]
            for key in keys {
                if let current = try currentField(key, using: statement) { values[key] = current.value }
            }
            return values
        }
    }

    /// The merged fields of one record.
    public func fields(of collection: RecordCollection, record: String) async throws -> [String: FieldValue] {
        try await read { [self] db in try fields(of: collection, record: record, db) }
    }

    func fields(of collection: RecordCollection, record: String, _ db: Database) throws -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        // Cached: the overview asks this once per commune and task, 10,000 times a page.
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT field, value FROM fields WHERE collection = ? AND record = ?"),
            arguments: [collection.rawValue, record])
        while let row = try rows.next() {
            fields[row[0]] = FieldValue.fromDatabaseValue(row[1]) ?? .null
        }
        return fields
    }

    /// Every record of a collection with its merged fields, tombstoned records included.
    public func records(of collection: RecordCollection) async throws -> [String: [String: FieldValue]] {
        try await read { [self] db in try records(of: collection, db) }
    }

    func records(of collection: RecordCollection, _ db: Database) throws -> [String: [String: FieldValue]] {
        var records: [String: [String: FieldValue]] = [:]
        let rows = try Row.fetchCursor(
            db, sql: "SELECT record, field, value FROM fields WHERE collection = ?",
            arguments: [collection.rawValue])
        while let row = try rows.next() {
            records[row[0], default: [:]][row[1]] = FieldValue.fromDatabaseValue(row[2]) ?? .null
        }
        return records
    }

    /// Every field with its stamp: what convergence tests compare across replicas.
    public func allFields() async throws -> [FieldKey: (value: FieldValue, stamp: Stamp)] {
        try await read { db in
            var result: [FieldKey: (value: FieldValue, stamp: Stamp)] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT collection, record, field, value, wall, counter, node FROM fields")
            while let row = try rows.next() {
                let key = FieldKey(collection: row[0], record: row[1], field: row[2])
                result[key] = (
                    FieldValue.fromDatabaseValue(row[3]) ?? .null,
                    Stamp(hlc: HLC(wall: row[4], counter: UInt32(row[5] as Int64)), node: row[6])
                )
            }
            return result
        }
    }

    /// The clock's high-water mark: what the clock suites check stays monotonic.
    public func clockHighWater() async throws -> HLC {
        try await read { [self] db in try clockState(db).last }
    }
}
