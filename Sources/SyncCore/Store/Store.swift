import Foundation
import GRDB

/// The one owner of a replica's SQLite database, on the agent and on the hub alike.
///
/// Everything else asks it by intent (`record`, `outboxBatch`, `applyReply`, `exchange`…);
/// each invariant is one transaction: a local write, its outbox rows and the clock's high-water
/// mark; a remote batch, its audit and the peer's cursor. WAL with `synchronous=FULL`, so an
/// acknowledgement means the data is on disk.
public final class Store: Sendable {
    public let path: String
    let pool: DatabasePool
    let clock: HybridLogicalClock
    /// The hub's exchanges waiting to be committed together.
    let exchangeQueue = ExchangeQueue()

    /// Opens the store at `path` and migrates it; with `create`, makes it when missing. Commands
    /// that only read or add to a store open it without `create`, so a mistyped `--db` is an
    /// error rather than a new empty store.
    public init(path: String, clock: HybridLogicalClock = HybridLogicalClock(), create: Bool = true) throws {
        guard create || FileManager.default.fileExists(atPath: path) else {
            throw SyncError(.notInitialized, "no store at \(path): check --db")
        }
        self.path = path
        self.clock = clock
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB opens pools with synchronous=NORMAL, which may lose the last commits on power
            // loss; an acknowledgement must mean on disk. Writes all go through this connection.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try Self.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw Self.storageError(error, "cannot open store \(path)")
        }
    }

    /// Lets the writing connection's page cache grow to `megabytes` (SQLite's default is 2 MB,
    /// which the agent keeps: its memory is an office PC's). The hub asks for more: with a
    /// thousand communes writing at once, the index pages of their audit and log rows went
    /// back and forth to the OS on every exchange (`Benchmarks/README.md`, run 7). The cache
    /// grows only as pages are used.
    public func setWriterCacheSize(megabytes: Int) throws {
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = \(-megabytes * 1024)") }
    }

    /// SQLite's failure as a `SyncError`. A full disk and an I/O error are named as such: the
    /// remedy (free space, check the disk) is the operator's, and the transaction that failed
    /// was rolled back whole, which the message says so nobody goes looking for half a write.
    static func storageError(_ error: DatabaseError, _ doing: String) -> SyncError {
        let detail = error.message ?? error.description
        switch error.resultCode {
        case .SQLITE_FULL:
            return SyncError(.storage, "\(doing): the disk is full (\(detail)); nothing was written")
        case .SQLITE_IOERR:
            return SyncError(.storage, "\(doing): I/O error, or a file size limit reached (\(detail)); nothing was written")
        default:
            return SyncError(.storage, "\(doing): \(detail)")
        }
    }

    /// Runs `body` in one write transaction, turning SQLite errors into `SyncError`s.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch let error as DatabaseError {
            throw Self.storageError(error, "store write failed")
        }
    }

    /// The async form of `write`, for server handlers.
    func asyncWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError {
            throw Self.storageError(error, "store write failed")
        }
    }

    func asyncRead<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as DatabaseError {
            throw Self.storageError(error, "store read failed")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw Self.storageError(error, "store read failed")
        }
    }

    /// Checkpoints the WAL into the main file; called on shutdown so the store is one file.
    public func checkpoint() throws {
        do {
            _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        } catch let error as DatabaseError {
            throw Self.storageError(error, "checkpoint failed")
        }
    }

    /// A trivial statement through the writer: answers quickly unless the store is wedged or
    /// gone, which is what health checks and the watchdog want to know.
    public func ping() throws {
        _ = try write { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// The value of a read-only pragma on the store's connection (`journal_mode`,
    /// `synchronous`…), for the start-up log and the tests that hold us to WAL + FULL.
    public func pragma(_ name: String) throws -> String {
        precondition(name.allSatisfy { $0.isLetter || $0 == "_" }, "pragma names are plain words")
        return try write { db in try String.fetchOne(db, sql: "PRAGMA \(name)") ?? "" }
    }

    /// `PRAGMA integrity_check` (or the faster `quick_check`): "ok" or the problems found.
    public func integrityCheck(quick: Bool = false) throws -> String {
        try read { db in
            try String.fetchAll(db, sql: quick ? "PRAGMA quick_check" : "PRAGMA integrity_check").joined(separator: "\n")
        }
    }
}

// MARK: - State shared by every replica

extension Store {
    /// The clock's persisted high-water mark and the offset to add to the physical clock.
    struct ClockState {
        var last: HLC
        var offset: Int64
    }

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
        try currentField(key, using: BoundStatement(Self.currentFieldSQL, db))
    }

    static let currentFieldSQL = """
        SELECT value, wall, counter, node FROM fields
        WHERE collection = ?1 AND record = ?2 AND field = ?3
        """

    /// `currentField` with a statement prepared from `currentFieldSQL` by the caller.
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
        try storeField(change, using: BoundStatement(Self.storeFieldSQL, db))
    }

    static let storeFieldSQL = """
        INSERT INTO fields(collection, record, field, value, wall, counter, node, actor)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        ON CONFLICT(collection, record, field) DO UPDATE SET
          value = excluded.value, wall = excluded.wall, counter = excluded.counter,
          node = excluded.node, actor = excluded.actor
        """

    /// `storeField` with a statement prepared from `storeFieldSQL` by the caller.
    func storeField(_ change: FieldChange, using statement: BoundStatement) throws {
        statement.bind(change, from: 1)
        try statement.run()
    }

    /// The merged fields of one record.
    public func fields(of collection: RecordCollection, record: String) throws -> [String: FieldValue] {
        try read { db in try fields(of: collection, record: record, db) }
    }

    func fields(of collection: RecordCollection, record: String, _ db: Database) throws -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        let rows = try Row.fetchCursor(
            db, sql: "SELECT field, value FROM fields WHERE collection = ? AND record = ?",
            arguments: [collection.rawValue, record])
        while let row = try rows.next() {
            fields[row[0]] = FieldValue.fromDatabaseValue(row[1]) ?? .null
        }
        return fields
    }

    /// Every record of a collection with its merged fields, tombstoned records included.
    public func records(of collection: RecordCollection) throws -> [String: [String: FieldValue]] {
        try read { db in try records(of: collection, db) }
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
    public func allFields() throws -> [FieldKey: (value: FieldValue, stamp: Stamp)] {
        try read { db in
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
    public func clockHighWater() throws -> HLC {
        try read { db in try clockState(db).last }
    }
}
