import Foundation
import GRDB

/// One exchange's answer and what became of the changes it carried, for the hub's metrics.
public struct ExchangeResult: Sendable {
    public var response: SyncResponse
    public var applied = 0
    public var lost = 0
    public var duplicate = 0
    public var rejected = 0
    /// How many exchanges shared this one's transaction (see `ExchangeQueue`).
    public var groupSize = 1
}

/// What merging a node's batch settled, before the page of changes it pulls is read.
struct MergedBatch: Sendable {
    /// The node's last sequence number the hub has processed.
    var acked: Int64
    var rejected: [Rejection]
    var restamped: [Restamp]
    var applied: Int
    var lost: Int
    var duplicate: Int
    /// How many exchanges shared this one's transaction (see `ExchangeQueue`).
    var groupSize = 1
}

/// The changes a node pulls in one exchange, and where its next pull starts.
struct PullPage: Sendable {
    var changes: [PulledChange]
    var cursor: Int64
    var more: Bool
}

extension ExchangeResult {
    init(_ request: SyncRequest, _ identity: NodeIdentity, _ merged: MergedBatch, _ page: PullPage, clock: Int64) {
        response = SyncResponse(protocolVersion: request.protocolVersion, commune: identity.commune, clock: clock,
                                acked: merged.acked, rejected: merged.rejected, restamped: merged.restamped,
                                changes: page.changes, cursor: page.cursor, more: page.more)
        applied = merged.applied
        lost = merged.lost
        duplicate = merged.duplicate
        rejected = merged.rejected.count
        groupSize = merged.groupSize
    }
}

extension HubStore {
    /// One exchange with a node: in one transaction, merge its batch (deduplicated by
    /// `(node, seq)`), audit every change and record what the node told us of its clock; once
    /// that is committed, read the next page of changes for it. Exchanges that arrive together
    /// are committed together (`ExchangeQueue`), each in its own savepoint; their pages are
    /// read afterwards on reader connections, in parallel, so the hub's one writer only merges.
    /// A reader sees every commit made before it began, so no page skips a change.
    public func exchange(_ request: SyncRequest, from identity: NodeIdentity) async throws -> ExchangeResult {
        let pullLimit = try check(request, from: identity)
        let merged = try await withCheckedThrowingContinuation { continuation in
            switch exchangeQueue.enqueue(ExchangeQueue.Waiting(request: request, identity: identity, continuation: continuation)) {
            case .startLoop:
                Task { await self.commitWaitingExchanges() }
            case .queued:
                break
            case .full(let seconds):
                continuation.resume(throwing: SyncError(.slowDown, "the hub is merging others' changes; come back in \(seconds) s",
                                                        retryAfter: seconds))
            }
        }
        let page = try await read { db in try self.pullPage(for: identity, after: request.cursor, limit: pullLimit, db) }
        return ExchangeResult(request, identity, merged, page, clock: clock.physical.now())
    }

    /// Refuses a request that is wrong as a whole, before anything is written; returns the
    /// size of the pull page to answer with.
    private func check(_ request: SyncRequest, from identity: NodeIdentity) throws -> Int {
        guard SyncProtocol.supportedVersions.contains(request.protocolVersion) else {
            throw SyncError(.protocolVersion, "protocol \(request.protocolVersion) is not spoken here; this hub speaks \(SyncProtocol.supportedVersions.lowerBound) to \(SyncProtocol.supportedVersions.upperBound)")
        }
        guard request.node == identity.node else {
            throw SyncError(.forbidden, "the token belongs to node \(identity.node), not \(request.node)")
        }
        guard request.commune == identity.commune else {
            throw SyncError(.forbidden, "the token belongs to commune \(identity.commune), not \(request.commune)")
        }
        // The node's clock only feeds the offset the hub records (its clock minus this one):
        // a value no PC shows, such as Int64.min, would overflow that subtraction.
        guard (0..<(1 << 53)).contains(request.clock) else {
            throw SyncError(.invalidInput, "the node's clock must be milliseconds since 1970, not \(request.clock)")
        }
        guard request.changes.count <= SyncProtocol.maxChangesPerBatch else {
            throw SyncError(.tooLarge, "at most \(SyncProtocol.maxChangesPerBatch) changes per request")
        }
        var previousSeq = Int64.min
        for change in request.changes {
            guard change.seq > previousSeq, change.seq > 0 else {
                throw SyncError(.invalidInput, "change sequence numbers must be positive and increasing")
            }
            previousSeq = change.seq
        }
        return max(1, min(request.pullLimit ?? SyncProtocol.maxChangesPerBatch, SyncProtocol.maxChangesPerBatch))
    }

    func merge(_ request: SyncRequest, from identity: NodeIdentity, _ db: Database) throws -> MergedBatch {
        // Read once: the property hands out a copy of the clock (and its closure) per call.
        let clock = self.clock
        let receivedAt = clock.physical.now()
        let statements = try MergeStatements(db)
        var clockState = try clockState(db)
        // Read in the transaction that merges: a token revoked while its exchange waited in the
        // group commit's queue merges nothing.
        guard let node = try Row.fetchOne(db.cachedStatement(sql: "SELECT last_seq, revoked_at FROM nodes WHERE id = ?"),
                                          arguments: [identity.node]),
            (node[1] as Int64?) == nil
        else { throw SyncError(.unauthorized, "token revoked") }
        var lastSeq: Int64 = node[0]
        // A cursor of another log: this hub was restored from a backup since the node last
        // heard from it, and may have lost changes it had acknowledged. Merging what follows
        // `lastSeq` would acknowledge past them, so only what this hub already holds is answered
        // (with its restamps and refusals): `acked` then says how far that goes, and the node
        // sends again, in order, what came after.
        let cursor = PullCursor(request.cursor)
        let logChanged = try cursor.logID != 0 && cursor.logID != hubLogID(db)
        var rejected: [Rejection] = []
        var restamped: [Restamp] = []
        var tally = (applied: 0, lost: 0, duplicate: 0)
        var checks = RefusalChecks()
        // The fields of one report share a stamp and come one after another; restamped, they
        // share the hub's one too, so a report always wins or loses whole.
        var lastRestamp: (sent: HLC, hub: HLC)?

        for pushed in request.changes {
            // Stamped as sent; restamped below if the hub stamps it itself (the audit keeps both).
            var change = FieldChange(collection: pushed.collection, record: pushed.record, field: pushed.field,
                                     value: pushed.value, stamp: Stamp(hlc: pushed.hlc, node: identity.node),
                                     actor: pushed.actor)
            if pushed.seq <= lastSeq {
                // A retry of something already durable: answer as we did the first time.
                if let first = try firstAudit(node: identity.node, seq: pushed.seq, db) {
                    guard first.matches(pushed) else {
                        // The same sequence number for another change: the node's store went
                        // back in time (a restored backup). Taking it for a duplicate would drop
                        // it silently, so the whole request is refused and nothing is acknowledged.
                        throw SyncError(.sequenceReused, "node \(identity.node) sent change \(pushed.seq) again with different content; its store was probably restored from an older backup: enroll the machine again")
                    }
                    if first.outcome == .rejected {
                        rejected.append(Rejection(seq: pushed.seq, code: first.reasonCode ?? "", reason: first.reason ?? ""))
                    } else if let applied = first.applied, applied != pushed.hlc {
                        restamped.append(Restamp(seq: pushed.seq, hlc: applied))
                    }
                }
                try appendAudit(change, sent: pushed.hlc, seq: pushed.seq, commune: identity.commune, old: .none, applied: nil,
                                outcome: .duplicate, reason: nil, receivedAt: receivedAt, statements.audit)
                tally.duplicate += 1
                continue
            }
            if logChanged { break }
            lastSeq = pushed.seq
            let collection = checks.collection(named: pushed.collection)
            if let refusal = try refusal(of: change, in: collection, from: identity, &checks, statements, db) {
                rejected.append(Rejection(seq: pushed.seq, code: refusal.code.rawValue, reason: refusal.message))
                try appendAudit(change, sent: pushed.hlc, seq: pushed.seq, commune: identity.commune, old: .none, applied: nil,
                                outcome: .rejected, reason: refusal, receivedAt: receivedAt, statements.audit)
                continue
            }
            if let last = lastRestamp, last.sent == pushed.hlc {
                change.stamp.hlc = last.hub
                restamped.append(Restamp(seq: pushed.seq, hlc: last.hub))
            } else if let adopted = clock.receive(pushed.hlc, after: clockState.last, now: receivedAt) {
                clockState.last = adopted
            } else {
                // Too far ahead of the hub's clock: the hub stamps it now, so a runaway PC
                // clock neither drags the hub forward nor wins every later conflict.
                clockState.last = clock.tick(after: clockState.last, now: receivedAt)
                lastRestamp = (pushed.hlc, clockState.last)
                change.stamp.hlc = clockState.last
                restamped.append(Restamp(seq: pushed.seq, hlc: change.stamp.hlc))
            }
            let outcome = try merge(change, in: collection!, of: identity.commune, statements, db)
            try appendAudit(change, sent: pushed.hlc, seq: pushed.seq, commune: identity.commune, old: .boundByMerge, applied: change.stamp.hlc,
                            outcome: AuditOutcome(outcome), reason: nil, receivedAt: receivedAt, statements.audit)
            switch outcome {
            case .applied: tally.applied += 1
            case .lost: tally.lost += 1
            case .duplicate: tally.duplicate += 1
            }
        }
        try saveClock(clockState, db)
        // The last refusal stays visible in `district-hub nodes` until an exchange refuses nothing.
        let lastError = rejected.last.map { "change \($0.seq) refused: \($0.code): \($0.reason)" }
        try db.cachedStatement(sql: """
            UPDATE nodes SET last_seq = ?, last_seen = ?, clock_offset_ms = ?, last_error = ? WHERE id = ?
            """).execute(arguments: [lastSeq, receivedAt, receivedAt - request.clock, lastError, identity.node])
        return MergedBatch(acked: lastSeq, rejected: rejected, restamped: restamped,
                           applied: tally.applied, lost: tally.lost, duplicate: tally.duplicate)
    }

    /// What the checks of one exchange remember from change to change. A batch writes a few
    /// records and fields many times over: looking a short string up among a handful costs
    /// less than hashing it (`perf` of `sync-bench merge`, `Benchmarks/README.md` run 10).
    private struct RefusalChecks {
        /// How many entries each list keeps; past that, lookups are made anew.
        static let limit = 16
        var lastCollection: (name: String, collection: RecordCollection?)?
        /// Record ids found valid and of this node's commune, with the task or kind they name.
        var validRecords: [(collection: RecordCollection, record: String, item: Substring)] = []
        /// Fields found to exist and to be the commune's to write, with their specs.
        var writableFields: [(collection: RecordCollection, field: String, spec: FieldSpec)] = []
        /// Task assignments, looked up once per exchange rather than once per change.
        var assignments: [(task: Substring, assignment: TaskAssignment?)] = []
        /// The last actor name found valid: a batch is nearly always one officer's.
        var validActor: String?
        /// Each year's current criteria set, decoded once per exchange.
        var criteriaSets: [(year: Int, set: CriteriaSet?)] = []

        mutating func collection(named name: String) -> RecordCollection? {
            if let last = lastCollection, last.name == name { return last.collection }
            let collection = RecordCollection(rawValue: name)
            lastCollection = (name, collection)
            return collection
        }
    }

    /// Why the hub refuses a node's write, or nil when the node may make it.
    private func refusal(of change: FieldChange, in collection: RecordCollection?, from identity: NodeIdentity,
                         _ checks: inout RefusalChecks, _ statements: MergeStatements, _ db: Database) throws -> SyncError? {
        guard let collection else {
            return SyncError(.unknownCollection, "unknown collection \(change.collection)")
        }
        guard collection.isCommunes else {
            return SyncError(.districtOnly, "only the district writes \(collection.rawValue)")
        }
        let item: Substring
        if let known = checks.validRecords.first(where: { $0.record == change.record && $0.collection == collection }) {
            item = known.item
        } else {
            let commune: Substring
            do {
                // A valid record id of a commune's collection is `<commune>/<item>`.
                (commune, item) = try Schema.validateRecord(change.record, in: collection)!
            } catch let error as SyncError {
                return error
            }
            guard commune == identity.commune else {
                return SyncError(.outOfScope, "node of \(identity.commune) may not write \(collection.rawValue)/\(change.record)")
            }
            if checks.validRecords.count < RefusalChecks.limit { checks.validRecords.append((collection, change.record, item)) }
        }
        let spec: FieldSpec
        if let known = checks.writableFields.first(where: { $0.field == change.field && $0.collection == collection }) {
            spec = known.spec
        } else {
            guard let found = Schema.spec(change.field, in: collection) else {
                return SyncError(.unknownField, "unknown field \(collection.rawValue).\(change.field)")
            }
            guard found.writer == .commune else {
                return SyncError(.districtOnly, "only the district writes \(collection.rawValue).\(change.field)")
            }
            spec = found
            if checks.writableFields.count < RefusalChecks.limit { checks.writableFields.append((collection, change.field, spec)) }
        }
        do {
            try Schema.validate(change.value, field: change.field, spec: spec)
        } catch let error as SyncError {
            return error
        }
        let actor = change.actor
        if actor != checks.validActor {
            guard !actor.isEmpty, actor.utf8.count <= 100 || actor.count <= 100, actor.isNFC, !actor.hasControlCharacters else {
                return SyncError(.invalidValue, "the actor must be a non-empty NFC name of at most 100 characters, without control characters")
            }
            checks.validActor = actor
        }
        let subject = RecordSubject(collection, item: item)
        switch subject {
        case .task(let task):
            let assignment: TaskAssignment?
            if let known = checks.assignments.first(where: { $0.task == task }) {
                assignment = known.assignment
            } else {
                let key = FieldKey(collection: RecordCollection.tasks.rawValue, record: String(task), field: "communes")
                assignment = try currentField(key, using: statements.current)?.value.text.flatMap(TaskAssignment.init(encoded:))
                if checks.assignments.count < RefusalChecks.limit { checks.assignments.append((task, assignment)) }
            }
            guard let assignment, assignment.includes(identity.commune) else {
                return SyncError(.unknownTask, "task \(task) is not assigned to \(identity.commune)")
            }
        case .criterion(let year, _), .assessment(let year):
            // Judged on the state as merged so far, this batch's earlier changes included: a
            // batch that scores and then submits is accepted whole.
            let set: CriteriaSet?
            if let known = checks.criteriaSets.first(where: { $0.year == year }) {
                set = known.set
            } else {
                set = try currentCriteriaSet(year: year, db)?.set
                checks.criteriaSets.append((year, set))
            }
            let assessment = try fields(of: .assessments, record: AssessmentRecords.assessment(commune: identity.commune, year: year), db)
            if let refusal = AssessmentRules.refusal(collection: collection, field: change.field, value: change.value, subject: subject,
                                                     set: set, assessment: assessment) {
                return refusal
            }
        case .proposal(let id):
            let key = FieldKey(collection: RecordCollection.proposals.rawValue, record: "\(identity.commune)/\(id)", field: "topic")
            guard try currentField(key, using: statements.current) != nil else {
                return SyncError(.notFound, "proposal \(id) of \(identity.commune) does not exist")
            }
        case .none:
            break
        }
        return nil
    }

    /// How the hub first received a `(node, seq)`.
    private struct FirstAudit {
        var outcome: AuditOutcome
        var key: FieldKey
        var hlc: HLC
        var value: FieldValue
        var actor: String
        var applied: HLC?
        var reasonCode: String?
        var reason: String?

        /// Whether `pushed` is the very change first received under its sequence number: the
        /// same field, stamp, value and actor. A restored store can write another value, or
        /// another officer, under a sequence number and a stamp it had used before.
        func matches(_ pushed: PushedChange) -> Bool {
            key == FieldKey(collection: pushed.collection, record: pushed.record, field: pushed.field) && hlc == pushed.hlc
                && value == pushed.value && actor == pushed.actor
        }
    }

    /// Read byte for byte through SQLite's C API: a refused change's text may hold a NUL, at
    /// which a GRDB string ends, and its retry would then look like another change under the
    /// same sequence number (`sequenceReused`), refused for ever.
    private func firstAudit(node: String, seq: Int64, _ db: Database) throws -> FirstAudit? {
        let row = try BoundStatement("""
            SELECT outcome, applied_wall, applied_counter, reason_code, reason, collection, record, field, wall, counter, value, actor
            FROM audit WHERE node = ?1 AND seq = ?2 AND outcome <> 'duplicate'
            """, db)
        row.bind(1, node)
        row.bind(2, seq)
        guard try row.step() else { return nil }
        defer { row.reset() }
        guard let outcome = AuditOutcome(rawValue: row.text(0)) else {
            throw SyncError(.invalidInput, "the audit of node \(node)'s change \(seq) has an unknown outcome")
        }
        return FirstAudit(outcome: outcome, key: FieldKey(collection: row.text(5), record: row.text(6), field: row.text(7)),
                          hlc: HLC(wall: row.int64(8), counter: UInt32(truncatingIfNeeded: row.int64(9))),
                          value: row.fieldValue(10), actor: row.text(11),
                          applied: row.isNull(1) ? nil : HLC(wall: row.int64(1), counter: UInt32(truncatingIfNeeded: row.int64(2))),
                          reasonCode: row.isNull(3) ? nil : row.text(3), reason: row.isNull(4) ? nil : row.text(4))
    }

    /// The next changes a node should hear of: its commune's records and tasks, whoever wrote
    /// them, except its own writes unless it asked for a full pull (`PullCursor`). A cursor of
    /// another log, or beyond this one (a hub restored from a backup), starts again from the
    /// beginning, as a full pull; re-applying is harmless.
    private func pullPage(for identity: NodeIdentity, after cursor: Int64, limit: Int, _ db: Database) throws -> PullPage {
        let newest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(seq) FROM hub_log")) ?? 0
        let logID = try hubLogID(db)
        var position = PullCursor(cursor)
        if (position.logID != 0 && position.logID != logID) || position.position > newest {
            position = PullCursor(logID: logID, position: 0, full: true)
        }
        let rows = try BoundStatement("""
            SELECT seq, collection, record, field, value, wall, counter, node, actor FROM hub_log
            WHERE seq > ?1 AND audience IN (?2, '*') AND node <> ?3
            ORDER BY seq LIMIT ?4
            """, db)
        rows.bind(1, position.position)
        rows.bind(2, identity.commune)
        // No node is named "", so a full pull leaves nobody's writes out.
        rows.bind(3, position.full ? "" : identity.node)
        rows.bind(4, Int64(limit + 1))
        var changes: [PulledChange] = []
        var bytes = 0
        var more = false
        while try rows.step() {
            if changes.count == limit || bytes > SyncProtocol.maxPullBytes {
                more = true
                rows.reset()
                break
            }
            let value = rows.fieldValue(4)
            let change = FieldChange(collection: rows.text(1), record: rows.text(2), field: rows.text(3), value: value,
                                     stamp: Stamp(hlc: HLC(wall: rows.int64(5), counter: UInt32(truncatingIfNeeded: rows.int64(6))),
                                                  node: rows.text(7)),
                                     actor: rows.text(8))
            bytes += 100 + change.record.utf8.count + change.actor.utf8.count + (value.text?.utf8.count ?? 24)
            changes.append(PulledChange(hubSeq: rows.int64(0), change: change))
        }
        // A page that is not full has shown this node everything up to the newest entry, and
        // ends a full pull.
        let next = more ? PullCursor(logID: logID, position: changes.last!.hubSeq, full: position.full)
            : PullCursor(logID: logID, position: max(newest, position.position), full: false)
        return PullPage(changes: changes, cursor: next.encoded, more: more)
    }
}
