import Foundation
import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C API: bind, step, read columns, reset.
///
/// The hub's merge runs four statements per change. Going through GRDB's `StatementArguments`
/// boxed every argument into an array of existentials and every result into a `Row`, which cost
/// more than SQLite's own work (`perf record`, see `Benchmarks/README.md`). Only the hub's hot
/// paths use this (the merge, reading a node's pull page, reading the audit in batches);
/// everything else keeps GRDB's safer API. The statement comes from GRDB's cache, so GRDB
/// still owns its lifetime, and it is always left reset.
struct BoundStatement {
    private let statement: Statement
    private let handle: OpaquePointer
    private let db: Database

    init(_ sql: String, _ db: Database) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        self.db = db
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// A query whose arguments a builder gathered (`AuditQuery`): GRDB checks and binds them.
    init(_ sql: String, arguments: StatementArguments, _ db: Database) throws {
        try self.init(sql, db)
        try statement.setArguments(arguments)
    }

    // MARK: Binding (parameters are numbered from 1, as in SQL's `?NNN`)

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: String) {
        var value = value
        value.withUTF8 { bytes in
            _ = bytes.withMemoryRebound(to: CChar.self) { text in
                sqlite3_bind_text(handle, index, text.baseAddress, Int32(text.count), transient)
            }
        }
    }

    func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: FieldValue?) {
        switch value {
        case nil, .null?: sqlite3_bind_null(handle, index)
        case .int(let number)?: sqlite3_bind_int64(handle, index, number)
        case .real(let number)?: sqlite3_bind_double(handle, index, number)
        case .text(let text)?: bind(index, text)
        }
    }

    /// Binds a change's eight columns as `fields` and `hub_log` order them (collection, record,
    /// field, value, wall, counter, node, actor) to the parameters from `first` on.
    func bind(_ change: FieldChange, from first: Int32) {
        bind(first, change.collection)
        bind(first + 1, change.record)
        bind(first + 2, change.field)
        bind(first + 3, change.value)
        bind(first + 4, change.stamp.hlc.wall)
        bind(first + 5, Int64(change.stamp.hlc.counter))
        bind(first + 6, change.stamp.node)
        bind(first + 7, change.actor)
    }

    /// Binds a column of `other`'s current row as it is (SQLite copies it), without making a
    /// Swift value of it: how the hub audits the value a change replaces.
    func bind(_ index: Int32, column: Int32, of other: BoundStatement) {
        sqlite3_bind_value(handle, index, sqlite3_column_value(other.handle, column))
    }

    func bindNull(_ index: Int32) {
        sqlite3_bind_null(handle, index)
    }

    // MARK: Running

    /// Runs a statement that returns no rows, and resets it.
    func run() throws {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code) }
    }

    /// Steps to the next row: true when there is one, whose columns may then be read. After
    /// the last row the statement is reset; a caller that stops before must `reset()`.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw error(code) }
        return false
    }

    func reset() {
        sqlite3_reset(handle)
    }

    // MARK: Reading the current row (columns are numbered from 0)

    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// The text of `column`, `previous` itself when the bytes are its: a column whose text
    /// repeats from row to row is made a string once. `previous` becomes the text read.
    func text(_ column: Int32, reusing previous: inout String) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        let read = UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column)))
        if previous.utf8.count == read.count {
            let same: Bool? = previous.utf8.withContiguousStorageIfAvailable { known in
                read.isEmpty || memcmp(known.baseAddress!, read.baseAddress!, read.count) == 0
            }
            if same == true { return previous }
        }
        previous = String(decoding: read, as: UTF8.self)
        return previous
    }

    /// A stored value as `FieldValue.fromDatabaseValue` reads it: a whole number stored as
    /// REAL is an integer.
    func fieldValue(_ column: Int32) -> FieldValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .int(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .number(sqlite3_column_double(handle, column))
        case SQLITE_TEXT: return .text(text(column))
        default: return .null
        }
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                      sql: statement.sql)
    }
}

/// SQLite copies the bytes before the call returns (`SQLITE_TRANSIENT`), so a Swift string's
/// temporary buffer may be bound. Computed, not stored: a global would be checked for lazy
/// initialisation on every bind.
private var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }
