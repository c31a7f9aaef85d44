import Foundation
import GRDB

/// The audit's queries, on any database holding an `audit` table: the hub's store, or the
/// archive of a closed year (`AuditArchive`), which keeps the same table.
enum AuditQueries {
    static let columns = """
        id, received_at, commune, collection, record, field, value, old_value, node, seq, actor,
        wall, counter, applied_wall, applied_counter, outcome, reason_code, reason
        """

    static func entries(_ filter: AuditFilter, _ db: Database) throws -> [AuditEntry] {
        let query = try AuditQuery(filter, db)
        // Read through SQLite's C API: GRDB's row decoding looked up generic metadata for each
        // value and outcome, a seventh of a million-row export's time (`perf record`).
        let rows = try BoundStatement(query.sql, arguments: query.arguments, db)
        var entries: [AuditEntry] = []
        entries.reserveCapacity(min(filter.limit, 10_000))
        // One for each of `columns`' eighteen.
        var previous = Array(repeating: "", count: 18)
        while try rows.step() { entries.append(try entry(rows, previous: &previous)) }
        return entries
    }

    /// The current row of a query selecting `columns`. The text of the columns that repeat
    /// from row to row (commune, kind, field, machine, officer, outcome, reason) is the row
    /// before's string where the bytes are the same (`previous`, by column): a batch is mostly
    /// a few communes' exchanges, and a string made and freed for each of its cells was a tenth
    /// of an export's reading.
    static func entry(_ row: BoundStatement, previous: inout [String]) throws -> AuditEntry {
        func repeated(_ column: Int32) -> String { row.text(column, reusing: &previous[Int(column)]) }
        func optionalText(_ column: Int32) -> String? { row.isNull(column) ? nil : repeated(column) }
        let id = row.int64(0)
        let hlc = HLC(wall: row.int64(11), counter: UInt32(truncatingIfNeeded: row.int64(12)))
        let applied = row.isNull(13) ? nil : HLC(wall: row.int64(13), counter: UInt32(truncatingIfNeeded: row.int64(14)))
        guard let outcome = AuditOutcome(rawValue: repeated(15)) else {
            row.reset()
            throw SyncError(.invalidInput, "audit entry \(id) has an unknown outcome")
        }
        return AuditEntry(
            id: id, receivedAtMillis: row.int64(1), commune: optionalText(2),
            collection: repeated(3), record: row.text(4), field: repeated(5),
            value: row.fieldValue(6), oldValue: row.isNull(7) ? nil : row.fieldValue(7),
            node: repeated(8), seq: row.isNull(9) ? nil : row.int64(9), actor: repeated(10), stamp: hlc,
            appliedStamp: applied == hlc ? nil : applied,
            outcome: outcome, reasonCode: optionalText(16), reason: optionalText(17))
    }

    /// For each field, the write the merge ranks last among those stamped before a moment:
    /// gathered from one audit or several (the store's and its archives').
    struct Latest {
        private var fields: [RecordCollection: [String: [String: (stamp: Stamp, value: FieldValue)]]] = [:]

        mutating func add(_ collections: [RecordCollection], before millis: Int64, _ db: Database) throws {
            let names = collections.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT collection, record, field, value, COALESCE(applied_wall, wall), COALESCE(applied_counter, counter), node
                FROM audit WHERE outcome IN ('applied', 'lost') AND collection IN (\(names)) AND COALESCE(applied_wall, wall) < ?
                """, arguments: [millis])
            while let row = try rows.next() {
                guard let collection = RecordCollection(rawValue: row[0]) else { continue }
                let stamp = Stamp(hlc: HLC(wall: row[4], counter: UInt32(row[5] as Int64)), node: row[6])
                let record: String = row[1], field: String = row[2]
                if let known = fields[collection]?[record]?[field], !(known.stamp < stamp) { continue }
                fields[collection, default: [:]][record, default: [:]][field] = (stamp, FieldValue.fromDatabaseValue(row[3]) ?? .null)
            }
        }

        /// The live records: a record whose latest `_deleted` is 1 is left out.
        var records: [RecordCollection: [String: [String: FieldValue]]] {
            fields.mapValues { records in
                records.mapValues { $0.mapValues(\.value) }.filter { $0.value[deletedField]?.int != 1 }
            }
        }
    }
}
