import Foundation
import GRDB

/// A closed year's audit, moved out of the hub's store into a SQLite file of its own
/// (`district-hub audit archive`): the same `audit` table, the same rows with their ids, and an
/// `archive` table saying which year and how many rows. Read by `district-hub audit --archive`,
/// and by the periodic report for the fields last written in that year.
public struct AuditArchive: Sendable {
    public let path: String
    public let year: Int
    /// The rows it holds.
    public let rows: Int

    private let queue: DatabaseQueue

    /// Opens an archive read-only; a file that is not one is `invalid_input`.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SyncError(.notFound, "no audit archive at \(path)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            (year, rows) = try queue.read { db in
                guard try db.tableExists("archive"), try db.tableExists("audit"),
                    let year = try Int.fetchOne(db, sql: "SELECT value FROM archive WHERE key = 'year'")
                else { throw SyncError(.invalidInput, "\(path) is not an audit archive") }
                return (year, try Int.fetchOne(db, sql: "SELECT count(*) FROM audit") ?? 0)
            }
        } catch let error as DatabaseError {
            throw SyncError(.invalidInput, "\(path) is not an audit archive: \(error.message ?? "\(error)")")
        }
        self.path = path
    }

    /// The year's receive times: from its first instant in Vietnam to the next year's.
    public var range: Range<Int64> { Self.range(year) }

    static func range(_ year: Int) -> Range<Int64> {
        CalendarDay(String(format: "%04d-01-01", year))!.startMillis..<CalendarDay(String(format: "%04d-01-01", year + 1))!.startMillis
    }

    /// Its audit rows, filtered as the store's are.
    public func audit(_ filter: AuditFilter) throws -> [AuditEntry] {
        try queue.read { db in try AuditQueries.entries(filter, db) }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.read(body)
    }
}
