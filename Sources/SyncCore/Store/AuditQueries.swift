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
        // Decoded from the cursor's live row: no copy of each row first, and appended by a
        // plain loop, which copies an entry without the generic cursor's runtime calls.
        let rows = try Row.fetchCursor(db, sql: query.sql, arguments: query.arguments)
        var entries: [AuditEntry] = []
        entries.reserveCapacity(min(filter.limit, 10_000))
        while let row = try rows.next() { entries.append(entry(row)) }
        return entries
    }

    static func entry(_ row: Row) -> AuditEntry {
        let hlc = HLC(wall: row[11], counter: UInt32(row[12] as Int64))
        let appliedWall: Int64? = row[13]
        let applied = appliedWall.map { HLC(wall: $0, counter: UInt32((row[14] as Int64?) ?? 0)) }
        let oldValue: DatabaseValue = row[7]
        return AuditEntry(
            id: row[0], receivedAtMillis: row[1], commune: row[2],
            collection: row[3], record: row[4], field: row[5],
            value: FieldValue.fromDatabaseValue(row[6]) ?? .null,
            oldValue: oldValue.isNull ? nil : FieldValue.fromDatabaseValue(oldValue),
            node: row[8], seq: row[9], actor: row[10], stamp: hlc,
            appliedStamp: applied == hlc ? nil : applied,
            outcome: row[15], reasonCode: row[16], reason: row[17])
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
