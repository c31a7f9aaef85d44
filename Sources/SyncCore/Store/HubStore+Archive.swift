import Foundation
import GRDB

/// What `archiveAudit` moved.
public struct AuditArchiving: Sendable, Equatable {
    public var year: Int
    /// Rows copied into the archive by this run (0 when an earlier run had copied them).
    public var copied: Int
    /// Rows removed from the store: each is in the archive, checked.
    public var removed: Int
    /// Rows the archive holds in all.
    public var archived: Int
}

extension HubStore {
    private static let archiveMetaPrefix = "audit.archive."

    /// Moves the audit rows received in `year`, a closed year, into the archive file at `path`
    /// and registers the archive in the store, so reports still read it. Never loses a row: each
    /// batch is copied and synced to the archive first, read back and compared row by row, and
    /// only then deleted from the store. A crash between the two leaves a batch in both; running
    /// the command again finishes the job. An existing archive of the same year is added to; one
    /// of another year is refused. The store's file keeps its size (SQLite reuses the pages):
    /// README, "Audit retention".
    public func archiveAudit(year: Int, to path: String) async throws -> AuditArchiving {
        let thisYear = CalendarDay(millis: clock.physical.now()).year
        guard Identifiers.isYear(year), year < thisYear else {
            throw SyncError(.invalidInput, "only a closed year's audit can be archived: \(year) is not before \(thisYear)")
        }
        let range = AuditArchive.range(year)
        if FileManager.default.fileExists(atPath: path) {
            let existing = try AuditArchive(path: path)
            guard existing.year == year else {
                throw SyncError(.invalidInput, "\(path) is the archive of \(existing.year), not of \(year)")
            }
        }
        let archive = try DatabaseQueue(path: path)
        let schema = try await read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'audit'")!
        }
        try await archive.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS archive (key TEXT PRIMARY KEY NOT NULL, value) WITHOUT ROWID")
            if try !db.tableExists("audit") { try db.execute(sql: schema) }
            try db.execute(sql: "INSERT OR REPLACE INTO archive(key, value) VALUES ('year', ?)", arguments: [year])
        }
        // Registered first: from here on, reports read the archive too.
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        try await write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [Self.archiveMetaPrefix + String(year), absolute])
        }
        // In batches by id: copy (one synced transaction of the archive's), read the batch back
        // from the archive and compare it row by row, then delete it from the store.
        var result = AuditArchiving(year: year, copied: 0, removed: 0, archived: 0)
        var after: Int64 = 0
        while true {
            let from = after
            let batch = try await read { db in
                try AuditRows(db, sql: "SELECT * FROM audit WHERE received_at >= ? AND received_at < ? AND id > ? ORDER BY id LIMIT 10000",
                              arguments: [range.lowerBound, range.upperBound, from])
            }
            guard let ids = batch.ids else { break }
            after = ids.upperBound
            result.copied += try await archive.write { db in
                let insert = try db.makeStatement(sql: """
                    INSERT OR IGNORE INTO audit(\(batch.columns.joined(separator: ", ")))
                    VALUES (\(Array(repeating: "?", count: batch.columns.count).joined(separator: ", ")))
                    """)
                var inserted = 0
                for values in batch.values {
                    try insert.execute(arguments: StatementArguments(values))
                    inserted += db.changesCount
                }
                return inserted
            }
            let copies = try await archive.read { db in
                try AuditRows(db, sql: "SELECT * FROM audit WHERE id BETWEEN ? AND ?", arguments: [ids.lowerBound, ids.upperBound]).byID
            }
            guard batch.values.allSatisfy({ copies[Int64.fromDatabaseValue($0[0]) ?? -1] == $0 }) else {
                throw SyncError(.storage, "the archive at \(path) does not hold audit rows \(ids) as the store does; they stay in the store")
            }
            result.removed += try await write { db in
                try db.execute(sql: "DELETE FROM audit WHERE id BETWEEN ? AND ? AND received_at >= ? AND received_at < ?",
                               arguments: [ids.lowerBound, ids.upperBound, range.lowerBound, range.upperBound])
                return db.changesCount
            }
        }
        result.archived = try await archive.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM audit") ?? 0 }
        return result
    }

    /// The archives this store has moved closed years' audits into, oldest year first. A
    /// registered archive that is no longer where it was is `not_found`, naming the year and the
    /// path: reports for later periods would miss what it holds.
    public func auditArchives() async throws -> [AuditArchive] {
        let registered = try await read { db in
            try Row.fetchAll(db, sql: "SELECT key, value FROM meta WHERE key LIKE ? ORDER BY key", arguments: [Self.archiveMetaPrefix + "%"])
                .map { (String(($0["key"] as String).dropFirst(Self.archiveMetaPrefix.count)), $0["value"] as String) }
        }
        return try registered.map { year, path in
            do {
                return try AuditArchive(path: path)
            } catch let error as SyncError {
                throw SyncError(error.code, "the audit of \(year) was archived to \(path), which cannot be read: \(error.message)")
            }
        }
    }
}

/// Audit rows as plain values, to carry between the store's and the archive's queues: the
/// columns of `SELECT *` (the id first) and each row's values.
private struct AuditRows: Sendable {
    var columns: [String] = []
    var values: [[DatabaseValue]] = []

    init(_ db: Database, sql: String, arguments: StatementArguments) throws {
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            if columns.isEmpty { columns = Array(row.columnNames) }
            values.append(Array(row.databaseValues))
        }
    }

    /// The first and last ids, or nil for no rows.
    var ids: ClosedRange<Int64>? {
        guard let first = values.first.flatMap({ Int64.fromDatabaseValue($0[0]) }),
            let last = values.last.flatMap({ Int64.fromDatabaseValue($0[0]) }) else { return nil }
        return first...last
    }

    var byID: [Int64: [DatabaseValue]] {
        values.reduce(into: [:]) { result, row in Int64.fromDatabaseValue(row[0]).map { result[$0] = row } }
    }
}
