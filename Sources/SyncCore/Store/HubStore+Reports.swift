import Foundation
import GRDB
import Logging

/// How much of the communes' state a page needs: what it reads is a range of the `fields`
/// primary key per commune and record, not every field the years have left.
public enum StatusScope: Sendable, Hashable {
    /// Every commune's progress on every task and its equipment (the CLI's `status`).
    case all
    /// The communes' equipment, no progress.
    case equipment
    /// One commune's progress and equipment (the others' names only).
    case commune(String)
    /// Every commune's progress on these tasks, no equipment.
    case tasks(Set<String>)
    /// The communes' and the tasks' names only (the audit's rows).
    case names
}

extension HubStore {
    /// The merged state of the communes, as much as `scope` asks: what the district reviews.
    /// Total: a record whose id is not `<commune>/<item>` (none can be written today; a store
    /// from before that check may hold one) is left out and logged, never a crash of every
    /// status page.
    public func hubStatus(_ scope: StatusScope = .all) async throws -> HubStatus {
        try await read { [self] db in
            let communes = try records(of: .communes, db).filter { $0.value[deletedField]?.int != 1 }
            var progress: [String: [String: [String: FieldValue]]] = [:]
            var equipment: [String: [String: [String: FieldValue]]] = [:]
            switch scope {
            case .all:
                progress = try byCommune(.progress, db)
                equipment = try byCommune(.equipment, db)
            case .equipment:
                equipment = try byCommune(.equipment, db)
            case .commune(let code):
                progress = try byCommune(.progress, prefix: code + "/", db)
                equipment = try byCommune(.equipment, prefix: code + "/", db)
            case .names:
                break
            case .tasks(let ids):
                for code in communes.keys {
                    for id in ids {
                        let fields = try self.fields(of: .progress, record: "\(code)/\(id)", db)
                        if !fields.isEmpty, fields[deletedField]?.int != 1 { progress[code, default: [:]][id] = fields }
                    }
                }
            }
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
    private func byCommune(_ collection: RecordCollection, prefix: String? = nil, _ db: Database) throws -> [String: [String: [String: FieldValue]]] {
        var result: [String: [String: [String: FieldValue]]] = [:]
        let all = try prefix.map { try records(of: collection, prefix: $0, db) } ?? records(of: collection, db)
        for (record, fields) in all where fields[deletedField]?.int != 1 {
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
        try await read { db in try AuditQueries.entries(filter, db) }
    }

    /// Every entry the filter selects from `filter.after` on, handed to `body` in batches of
    /// `filter.limit`, each read in a transaction of its own: an export of millions of rows holds
    /// one batch at a time and never blocks a checkpoint for long.
    public func forEachAuditBatch(_ filter: AuditFilter, _ body: ([AuditEntry]) async throws -> Void) async throws {
        try await filter.forEachBatch(read: { [self] in try await audit($0) }, body)
    }
}

extension AuditFilter {
    /// Every entry this filter selects from `after` on, in batches of `limit` that `read` reads
    /// (from the store or from a closed year's archive); the next batch is read while `body`
    /// handles this one.
    public func forEachBatch(read: @escaping @Sendable (AuditFilter) async throws -> [AuditEntry],
                             _ body: ([AuditEntry]) async throws -> Void) async throws {
        func fetch(_ page: AuditFilter) -> Task<[AuditEntry], any Error> {
            Task { try await read(page) }
        }
        var filter = self
        var pending = fetch(filter)
        while true {
            let batch = try await pending.value
            let more = batch.count == filter.limit
            if more, let last = batch.last {
                filter.after = last.id
                pending = fetch(filter)
            }
            if !batch.isEmpty { try await body(batch) }
            if !more { return }
        }
    }
}

extension HubStore {
    /// The live records of `collections` as they stood at `millis` by the writes' own stamps:
    /// for each field, of the writes stamped before then (applied, or since overtaken by a newer
    /// one), the one the merge ranks last. A report for a closed period is read this way, so a
    /// commune's work recorded offline in its last days counts in it even when it reached the
    /// district after the period ended, and what was recorded later does not rewrite it. The
    /// audit in the store and the archives of closed years it names (`archiveAudit`) are read,
    /// each in one pass; the district's own writes are audited as the nodes' are.
    public func records(of collections: [RecordCollection], asOf millis: Int64) async throws -> [RecordCollection: [String: [String: FieldValue]]] {
        var latest = try await read { db in
            var latest = AuditQueries.Latest()
            try latest.add(collections, before: millis, db)
            return latest
        }
        for archive in try await auditArchives() where archive.range.lowerBound < millis {
            try archive.read { try latest.add(collections, before: millis, $0) }
        }
        return latest.records
    }
}
