import Foundation
import GRDB

/// The node id under which the hub's own (district) writes are stamped.
public let districtNodeID = "district"

/// The statements a merge runs for every change, prepared once per transaction: looking each
/// up in GRDB's statement cache hashed its SQL text four times per change.
struct MergeStatements {
    let current: BoundStatement
    let store: BoundStatement
    let log: BoundStatement
    let audit: BoundStatement

    init(_ db: Database) throws {
        current = try BoundStatement(FieldSQL.current, db)
        store = try BoundStatement(FieldSQL.store, db)
        log = try BoundStatement("""
            INSERT INTO hub_log(audience, collection, record, field, value, wall, counter, node, actor)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """, db)
        audit = try BoundStatement("""
            INSERT INTO audit(received_at, node, seq, commune, collection, record, field, value, old_value,
                              wall, counter, applied_wall, applied_counter, actor, outcome, reason_code, reason)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
            """, db)
    }
}

extension HubStore {
    /// Writes made by the district itself (task import, reviews): stamped by the hub's clock,
    /// merged, logged for the nodes that should hear of them, and audited. Their record ids are
    /// checked as a node's are: a malformed one (a review form without its commune) is refused
    /// whole, before anything is written.
    public func recordDistrict(_ writes: [FieldWrite], actor: String) async throws {
        guard !writes.isEmpty else { return }
        for write in writes {
            guard let collection = RecordCollection(rawValue: write.collection) else {
                throw SyncError(.unknownCollection, "unknown collection \(write.collection)")
            }
            _ = try Schema.validateRecord(write.record, in: collection)
        }
        // A task's assignment goes first, so its other fields reach the right communes.
        let ordered = writes.filter { $0.field == "communes" } + writes.filter { $0.field != "communes" }
        try await write { [self] db in
            let statements = try MergeStatements(db)
            var clockState = try clockState(db)
            let now = clock.physical.now()
            clockState.last = clock.tick(after: clockState.last)
            let stamp = Stamp(hlc: clockState.last, node: districtNodeID)
            for write in ordered {
                let change = FieldChange(collection: write.collection, record: write.record, field: write.field,
                                         value: write.value, stamp: stamp, actor: actor)
                let collection = RecordCollection(rawValue: write.collection)!
                let commune = Schema.commune(of: collection, record: write.record)
                let outcome = try merge(change, in: collection, of: commune, statements, db)
                try appendAudit(change, sent: change.stamp.hlc, seq: nil, commune: commune,
                                old: .boundByMerge, applied: change.stamp.hlc, outcome: AuditOutcome(outcome), reason: nil,
                                receivedAt: now, statements.audit)
            }
            try saveClock(clockState, db)
        }
    }

    /// Merges one change into the hub's state; when it wins, logs it for every node that
    /// should hear of it. Binds the value the field held before into the audit statement
    /// (`AuditedOldValue.boundByMerge`), straight from SQLite's row, and returns the outcome.
    /// `commune` is the record's (`Schema.commune(of:record:)`), which the caller already has.
    func merge(_ change: FieldChange, in collection: RecordCollection, of commune: String?,
                       _ statements: MergeStatements, _ db: Database) throws -> LastWriterWins.Outcome {
        let current = statements.current
        current.bind(1, change.collection)
        current.bind(2, change.record)
        current.bind(3, change.field)
        var outcome = LastWriterWins.Outcome.applied
        var oldAssignment: TaskAssignment?
        if try current.step() {
            let hlc = HLC(wall: current.int64(1), counter: UInt32(truncatingIfNeeded: current.int64(2)))
            outcome = LastWriterWins.outcome(incoming: change.stamp, currentHLC: hlc) { current.text(3) }
            statements.audit.bind(9, column: 0, of: current)
            if collection.isAssigned && change.field == "communes" {
                oldAssignment = current.fieldValue(0).text.flatMap(TaskAssignment.init(encoded:))
            }
            current.reset()
        } else {
            statements.audit.bindNull(9)
        }
        guard outcome == .applied else { return outcome }
        try storeField(change, using: statements.store)
        switch collection {
        case .communes, .progress, .equipment, .attachments, .scores, .assessments, .proposals, .training:
            if let commune {
                try appendLog(change, audiences: CollectionOfOne(commune), statements.log)
            }
        case .criteria:
            try appendLog(change, audiences: CollectionOfOne("*"), statements.log)
        case .officeProgress, .officeAttachments:
            // The district's own reporting: stored and audited, heard of by no commune.
            break
        case .tasks, .sessions:
            if change.field == "communes" {
                let new = change.value.text.flatMap(TaskAssignment.init(encoded:))
                let before = oldAssignment?.audiences ?? []
                let after = new?.audiences ?? []
                try appendLog(change, audiences: before.union(after).sorted(), statements.log)
                // Communes that just gained the task have missed its other fields: resend them.
                let gained = before.contains("*") ? [] : after.subtracting(before)
                if !gained.isEmpty {
                    for other in try fieldChanges(of: collection, record: change.record, db) where other.field != "communes" {
                        try appendLog(other, audiences: gained.sorted(), statements.log)
                    }
                }
            } else {
                let key = FieldKey(collection: change.collection, record: change.record, field: "communes")
                let assignment = try currentField(key, using: statements.current)
                let audiences = assignment?.value.text.flatMap(TaskAssignment.init(encoded:))?.audiences ?? []
                try appendLog(change, audiences: audiences.sorted(), statements.log)
            }
        }
        return .applied
    }

    private func fieldChanges(of collection: RecordCollection, record: String, _ db: Database) throws -> [FieldChange] {
        try Row.fetchAll(db, sql: """
            SELECT field, value, wall, counter, node, actor FROM fields WHERE collection = ? AND record = ?
            """, arguments: [collection.rawValue, record]).map { row in
                FieldChange(collection: collection.rawValue, record: record, field: row[0],
                            value: FieldValue.fromDatabaseValue(row[1]) ?? .null,
                            stamp: Stamp(hlc: HLC(wall: row[2], counter: UInt32(row[3] as Int64)), node: row[4]),
                            actor: row[5])
            }
    }

    /// One `hub_log` row per audience, in the order given (sorted, so logs are reproducible).
    private func appendLog(_ change: FieldChange, audiences: some Sequence<String>, _ statement: BoundStatement) throws {
        statement.bind(change, from: 2)
        for audience in audiences {
            statement.bind(1, audience)
            try statement.run()
        }
    }

    /// Where an audit row's old value comes from.
    enum AuditedOldValue {
        /// The change was not merged (a duplicate or a refusal): no old value.
        case none
        /// `merge` bound the field's previous value (or null) from the stored row.
        case boundByMerge
    }

    /// Appends the audit row of `change`, which was sent stamped `sent` and applied (if it
    /// was) at `applied`: they differ when the hub restamped a change from a runaway clock.
    func appendAudit(_ change: FieldChange, sent: HLC, seq: Int64?, commune: String?, old: AuditedOldValue, applied: HLC?,
                             outcome: AuditOutcome, reason: SyncError?, receivedAt: Int64, _ statement: BoundStatement) throws {
        statement.bind(1, receivedAt)
        statement.bind(2, change.stamp.node)
        statement.bind(3, seq)
        statement.bind(4, commune)
        statement.bind(5, change.collection)
        statement.bind(6, change.record)
        statement.bind(7, change.field)
        statement.bind(8, change.value)
        if case .none = old { statement.bindNull(9) }
        statement.bind(10, sent.wall)
        statement.bind(11, Int64(sent.counter))
        statement.bind(12, applied?.wall)
        statement.bind(13, applied.map { Int64($0.counter) })
        statement.bind(14, change.actor)
        statement.bind(15, outcome.rawValue)
        statement.bind(16, reason?.code.rawValue)
        statement.bind(17, reason?.message)
        try statement.run()
    }
}
