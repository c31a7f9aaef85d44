import Foundation
import GRDB

/// What every replica's store is: one database and the clock that stamps its writes.
///
/// `AgentStore` (a commune PC) and `HubStore` (the district) each own one database connection
/// (a `DatabasePool` in the programs, an in-memory `DatabaseQueue` where a test wants one) and
/// only their own tables; what they share (the merged fields, the clock's high-water mark, the
/// `meta` keys and their migrations) is written once here, in the protocol's extensions. Each
/// invariant is one transaction: a local write, its outbox rows and the clock; a remote batch,
/// its audit and the peer's cursor. WAL with `synchronous=FULL`, so an acknowledgement means
/// the data is on disk.
public protocol ReplicaStore: AnyObject, Sendable {
    /// The role the file was made for; a store of the other role refuses to open it.
    static var role: StoreRole { get }
    /// The shared migrations followed by the role's own, append-only.
    static var migrator: DatabaseMigrator { get }
    var database: ReplicaDatabase { get }
    /// Migrates `writer` to this role's schema and takes it over.
    init(writer: any DatabaseWriter, clock: HybridLogicalClock) throws
    /// What a backup copy changes in itself to be a restore point of its own.
    static func prepareCopy(_ db: Database) throws
}

/// Which program a store file belongs to.
public enum StoreRole: String, Sendable {
    case agent
    case hub

    /// How messages name the program of this role.
    var owner: String {
        switch self {
        case .agent: "a commune agent (commune-agent)"
        case .hub: "the district hub (district-hub)"
        }
    }

    var other: StoreRole { self == .agent ? .hub : .agent }
}

/// The connection and the clock behind a store of either role.
public final class ReplicaDatabase: Sendable {
    let writer: any DatabaseWriter
    let clock: HybridLogicalClock

    /// Checks that `writer` holds a store of `role` (or nothing yet) and migrates it.
    init(writer: any DatabaseWriter, clock: HybridLogicalClock, role: StoreRole, migrator: DatabaseMigrator) throws {
        self.writer = writer
        self.clock = clock
        do {
            try writer.writeWithoutTransaction { db in
                // GRDB opens pools with synchronous=NORMAL, which may lose the last commits on
                // power loss; an acknowledgement must mean on disk. Writes all go through here.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try Self.checkRole(role, path: writer.path, db)
            }
            try migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw Self.storageError(error, "cannot open store \(writer.path)")
        }
    }

    /// Refuses a file that a program of the other role made: each role migrates the file to
    /// its own schema, which would drop what the other keeps there.
    private static func checkRole(_ role: StoreRole, path: String, _ db: Database) throws {
        guard try db.tableExists("meta"),
            let found = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [SharedMeta.role]),
            found != role.rawValue
        else { return }
        let other = StoreRole(rawValue: found)?.owner ?? "a program of role \(found)"
        throw SyncError(.invalidInput, "\(path) is the store of \(other), not of \(role.owner): check --db")
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

    /// `PRAGMA integrity_check` (or `quick_check`) on a connection: "ok" or the problems found.
    static func integrityCheck(_ db: Database, quick: Bool = false) throws -> String {
        try String.fetchAll(db, sql: quick ? "PRAGMA quick_check" : "PRAGMA integrity_check").joined(separator: "\n")
    }

    /// A `DatabasePool` on `path`; with `create`, made when missing. Commands that only read
    /// or add to a store open it without `create`, so a mistyped `--db` is an error rather than
    /// a new empty store.
    static func openPool(path: String, create: Bool) throws -> DatabasePool {
        guard create || FileManager.default.fileExists(atPath: path) else {
            throw SyncError(.notInitialized, "no store at \(path): check --db")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        do {
            return try DatabasePool(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw storageError(error, "cannot open store \(path)")
        }
    }
}

/// `meta` keys every store has.
enum SharedMeta {
    static let role = "store.role"
}

extension ReplicaStore {
    /// Opens the store file at `path` and migrates it; with `create`, makes it when missing.
    public init(path: String, clock: HybridLogicalClock = HybridLogicalClock(), create: Bool = true) throws {
        try self.init(writer: try ReplicaDatabase.openPool(path: path, create: create), clock: clock)
    }

    /// The store's file (`:memory:` style names for an in-memory test store).
    public var path: String { database.writer.path }

    var clock: HybridLogicalClock { database.clock }

    /// Runs `body` in one write transaction, turning SQLite errors into `SyncError`s. Async so
    /// that no caller holds one of Swift concurrency's few threads while SQLite waits for the
    /// writer lock or a disk sync: GRDB runs `body` on its own serial queue.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.writer.write(body)
        } catch let error as DatabaseError {
            throw ReplicaDatabase.storageError(error, "store write failed")
        }
    }

    /// Runs `body` in one read transaction (a reader connection of a pool), off the async pool.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.writer.read(body)
        } catch let error as DatabaseError {
            throw ReplicaDatabase.storageError(error, "store read failed")
        }
    }

    /// Lets the writing connection's page cache grow to `megabytes` (SQLite's default is 2 MB,
    /// which the agent keeps: its memory is an office PC's). The hub asks for more: with a
    /// thousand communes writing at once, the index pages of their audit and log rows went
    /// back and forth to the OS on every exchange (`Benchmarks/README.md`, run 7). The cache
    /// grows only as pages are used.
    public func setWriterCacheSize(megabytes: Int) async throws {
        try await database.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = \(-megabytes * 1024)") }
    }

    /// Checkpoints the WAL into the main file; called on shutdown so the store is one file.
    public func checkpoint() async throws {
        do {
            _ = try await database.writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        } catch let error as DatabaseError {
            throw ReplicaDatabase.storageError(error, "checkpoint failed")
        }
    }

    /// Closes the store's connections, as a process's exit would: before its file is replaced
    /// (a restore), since SQLite removes a closing connection's WAL by name. Any later call
    /// on this store fails.
    public func close() throws {
        if let pool = database.writer as? DatabasePool { try pool.close() }
        if let queue = database.writer as? DatabaseQueue { try queue.close() }
    }

    /// A trivial statement through the writer: answers quickly unless the store is wedged or
    /// gone, which is what health checks and the watchdog want to know.
    public func ping() async throws {
        _ = try await write { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// The value of a read-only pragma on the store's connection (`journal_mode`,
    /// `synchronous`…), for the start-up log and the tests that hold us to WAL + FULL.
    public func pragma(_ name: String) async throws -> String {
        precondition(name.allSatisfy { $0.isLetter || $0 == "_" }, "pragma names are plain words")
        return try await write { db in try String.fetchOne(db, sql: "PRAGMA \(name)") ?? "" }
    }

    /// `PRAGMA integrity_check` (or the faster `quick_check`): "ok" or the problems found.
    public func integrityCheck(quick: Bool = false) async throws -> String {
        try await read { db in
            try ReplicaDatabase.integrityCheck(db, quick: quick)
        }
    }

    /// The names of the store's tables, for the tests that hold each role to its own schema.
    public func tableNames() async throws -> Set<String> {
        try await read { db in
            Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
        }
    }
}
