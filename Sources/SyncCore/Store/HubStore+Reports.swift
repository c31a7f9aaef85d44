import Foundation
import GRDB
import Logging

extension HubStore {
    /// The merged state of every commune: what the district reviews. Total: a record whose id
    /// is not `<commune>/<item>` (none can be written today; a store from before that check
    /// may hold one) is left out and logged, never a crash of every status page.
    public func hubStatus() async throws -> HubStatus {
        try await read { [self] db in
            let communes = try records(of: .communes, db).filter { $0.value[deletedField]?.int != 1 }
            let progress = try byCommune(.progress, db)
            let equipment = try byCommune(.equipment, db)
            let tasks = try records(of: .tasks, db).filter { $0.value[deletedField]?.int != 1 }
                .map { TaskInfo(id: $0.key, fields: $0.value) }.sorted(by: TaskInfo.order)
            return HubStatus(
                communes: communes.keys.sorted().map { code in
                    CommuneStatus(code: code, name: communes[code]?["name"]?.text ?? code,
                                  progress: progress[code] ?? [:], equipment: equipment[code] ?? [:])
                },
                tasks: tasks)
        }
    }

    /// The live records of a per-commune collection, by commune and then by task or kind.
    private func byCommune(_ collection: RecordCollection, _ db: Database) throws -> [String: [String: [String: FieldValue]]] {
        var result: [String: [String: [String: FieldValue]]] = [:]
        for (record, fields) in try records(of: collection, db) where fields[deletedField]?.int != 1 {
            guard let (commune, item) = try? Schema.validateRecord(record, in: collection) else {
                Logger(label: "hub-store").warning("status.record_skipped", metadata: [
                    "record.collection": "\(collection.rawValue)", "record.id": "\(record)",
                ])
                continue
            }
            result[String(commune), default: [:]][String(item)] = fields
        }
        return result
    }

    /// The audit trail, oldest first, optionally only what concerns one commune.
    public func audit(commune: String? = nil, limit: Int = 100_000) async throws -> [AuditEntry] {
        try await audit(AuditFilter(commune: commune, limit: limit))
    }

    /// The audit trail filtered as the dashboard asks; oldest first, or newest first.
    public func audit(_ filter: AuditFilter) async throws -> [AuditEntry] {
        try await read { db in
            var sql = """
                SELECT id, received_at, commune, collection, record, field, value, old_value, node, seq, actor,
                       wall, counter, applied_wall, applied_counter, outcome, reason_code, reason
                FROM audit WHERE 1
                """
            var arguments: StatementArguments = []
            if let commune = filter.commune {
                sql += " AND (commune = ? OR record = ? OR record LIKE ? ESCAPE '\\')"
                let escaped = commune.replacingOccurrences(of: "_", with: "\\_").replacingOccurrences(of: "%", with: "\\%")
                arguments += [commune, commune, escaped + "/%"]
            }
            if let collection = filter.collection { sql += " AND collection = ?"; arguments += [collection] }
            if let record = filter.record { sql += " AND record = ?"; arguments += [record] }
            if let field = filter.field { sql += " AND field = ?"; arguments += [field] }
            if let outcome = filter.outcome { sql += " AND outcome = ?"; arguments += [outcome] }
            if let from = filter.fromMillis { sql += " AND received_at >= ?"; arguments += [from] }
            if let to = filter.toMillis { sql += " AND received_at < ?"; arguments += [to] }
            sql += filter.newestFirst ? " ORDER BY id DESC LIMIT ?" : " ORDER BY id LIMIT ?"
            arguments += [filter.limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let hlc = HLC(wall: row[11], counter: UInt32(row[12] as Int64))
                let appliedWall: Int64? = row[13]
                let applied = appliedWall.map { HLC(wall: $0, counter: UInt32((row[14] as Int64?) ?? 0)) }
                let oldValue: DatabaseValue = row[7]
                return AuditEntry(
                    id: row[0], receivedAt: isoTimestamp(millis: row[1]), receivedAtMillis: row[1], commune: row[2],
                    collection: row[3], record: row[4], field: row[5],
                    value: FieldValue.fromDatabaseValue(row[6]) ?? .null,
                    oldValue: oldValue.isNull ? nil : FieldValue.fromDatabaseValue(oldValue),
                    node: row[8], seq: row[9], actor: row[10], hlc: hlc.description,
                    appliedHlc: applied == hlc ? nil : applied?.description,
                    outcome: row[15], reasonCode: row[16], reason: row[17])
            }
        }
    }
}

extension HubStore {
    /// The live records of `collections` as they stood at `millis` by the writes' own stamps:
    /// for each field, of the writes stamped before then (applied, or since overtaken by a newer
    /// one), the one the merge ranks last. A report for a closed period is read this way, so a
    /// commune's work recorded offline in its last days counts in it even when it reached the
    /// district after the period ended, and what was recorded later does not rewrite it. One
    /// pass over the audit; the district's own writes are audited as the nodes' are.
    public func records(of collections: [RecordCollection], asOf millis: Int64) async throws -> [RecordCollection: [String: [String: FieldValue]]] {
        try await read { db in
            struct Latest {
                var stamp: Stamp
                var value: FieldValue
            }
            var latest: [RecordCollection: [String: [String: Latest]]] = [:]
            let names = collections.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT collection, record, field, value, COALESCE(applied_wall, wall), COALESCE(applied_counter, counter), node
                FROM audit WHERE outcome IN ('applied', 'lost') AND collection IN (\(names)) AND COALESCE(applied_wall, wall) < ?
                """, arguments: [millis])
            while let row = try rows.next() {
                guard let collection = RecordCollection(rawValue: row[0]) else { continue }
                let stamp = Stamp(hlc: HLC(wall: row[4], counter: UInt32(row[5] as Int64)), node: row[6])
                let record: String = row[1], field: String = row[2]
                if let known = latest[collection]?[record]?[field], !(known.stamp < stamp) { continue }
                latest[collection, default: [:]][record, default: [:]][field] = Latest(stamp: stamp, value: FieldValue.fromDatabaseValue(row[3]) ?? .null)
            }
            return latest.mapValues { records in
                records.mapValues { $0.mapValues(\.value) }.filter { $0.value[deletedField]?.int != 1 }
            }
        }
    }
}
