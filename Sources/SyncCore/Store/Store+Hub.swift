import Crypto
import Foundation
import GRDB

/// A node as the hub knows it after checking its token: the commune comes from the token's
/// enrollment, never from the request.
public struct NodeIdentity: Sendable, Hashable {
    public var node: String
    public var commune: String
}

/// What `district-hub enroll` hands out once.
public struct Enrollment: Sendable {
    public var node: String
    public var commune: String
    /// `<node>.<commune>.<64 hex digits>` (see `NodeToken`): 256 random bits; only its
    /// SHA-256 is stored.
    public var token: String
}

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

/// A node as `district-hub nodes` lists it.
public struct NodeInfo: Encodable, Sendable, Hashable {
    public var node: String
    public var commune: String
    public var label: String?
    public var createdAt: String
    public var revokedAt: String?
    /// ISO 8601 of the last successful exchange, or null.
    public var lastSeen: String?
    public var lastSeenMillis: Int64?
    /// The last outbox sequence the hub processed from it.
    public var lastSeq: Int64
    /// Hub clock minus the node's clock at its last exchange.
    public var clockOffsetMs: Int64?
    public var lastError: String?
}

/// The node id under which the hub's own (district) writes are stamped.
public let districtNodeID = "district"

extension Store {
    /// Creates a node bound to `commune` (creating the commune when unknown) and its token.
    public func enroll(commune: String, name: String?, label: String?) throws -> Enrollment {
        guard Identifiers.isCommuneCode(commune) else {
            throw SyncError(.invalidInput, "commune code must be lowercase ASCII letters, digits and '-', at most 32: \(commune)")
        }
        var generator = SystemRandomNumberGenerator()
        let node = "n-" + Self.hex((0..<8).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let secret = Self.hex((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let token = "\(node).\(commune).\(secret)"
        let known = try read { db in try currentField(FieldKey(collection: RecordCollection.communes.rawValue, record: commune, field: "name"), db) }
        if known == nil || name != nil {
            let displayName = name?.cleanedInput ?? commune
            if known?.value != .text(displayName) {
                try recordDistrict([FieldWrite(collection: RecordCollection.communes.rawValue, record: commune,
                                               field: "name", value: .text(displayName))], actor: "district-hub enroll")
            }
        }
        try write { db in
            try db.execute(sql: """
                INSERT INTO nodes(id, commune, token_hash, label, created_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [node, commune, Self.tokenHash(token), label?.cleanedInput, clock.physical.now()])
        }
        return Enrollment(node: node, commune: commune, token: token)
    }

    /// Remembers why a node's last request was refused as a whole (bad body, wrong commune…).
    public func recordNodeError(node: String, _ message: String) async throws {
        try await asyncWrite { db in
            try db.execute(sql: "UPDATE nodes SET last_error = ? WHERE id = ?", arguments: [message, node])
        }
    }

    /// Every enrolled node, by commune.
    public func nodes() throws -> [NodeInfo] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, commune, label, created_at, revoked_at, last_seen, last_seq, clock_offset_ms, last_error
                FROM nodes ORDER BY commune, created_at
                """).map { row in
                    NodeInfo(node: row[0], commune: row[1], label: row[2], createdAt: isoTimestamp(millis: row[3]),
                             revokedAt: (row[4] as Int64?).map(isoTimestamp(millis:)),
                             lastSeen: (row[5] as Int64?).map(isoTimestamp(millis:)), lastSeenMillis: row[5],
                             lastSeq: row[6], clockOffsetMs: row[7], lastError: row[8])
                }
        }
    }

    /// Marks a node's token revoked: its next request gets 401.
    public func revoke(node: String) throws {
        let changed = try write { db in
            try db.execute(sql: "UPDATE nodes SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                           arguments: [clock.physical.now(), node])
            return db.changesCount
        }
        if changed == 0 { throw SyncError(.invalidInput, "no active node \(node)") }
    }

    /// The node a bearer token belongs to. The lookup is by SHA-256 of the token, so the
    /// comparison never touches the secret itself and takes the same time for every guess.
    public func authenticate(token: String) throws -> NodeIdentity {
        guard token.utf8.count < 200 else { throw SyncError(.unauthorized, "unknown token") }
        let row = try read { db in
            try Row.fetchOne(db, sql: "SELECT id, commune, revoked_at FROM nodes WHERE token_hash = ?",
                             arguments: [Self.tokenHash(token)])
        }
        guard let row else { throw SyncError(.unauthorized, "unknown token") }
        if (row[2] as Int64?) != nil { throw SyncError(.unauthorized, "token revoked") }
        return NodeIdentity(node: row[0], commune: row[1])
    }

    /// The same check for the hub's request handlers.
    public func authenticate(token: String) async throws -> NodeIdentity {
        guard token.utf8.count < 200 else { throw SyncError(.unauthorized, "unknown token") }
        let hash = Self.tokenHash(token)
        let found = try await asyncRead { db -> (node: String, commune: String, revoked: Bool)? in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, commune, revoked_at FROM nodes WHERE token_hash = ?"),
                                             arguments: [hash]) else { return nil }
            return (row[0], row[1], (row[2] as Int64?) != nil)
        }
        guard let found else { throw SyncError(.unauthorized, "unknown token") }
        if found.revoked { throw SyncError(.unauthorized, "token revoked") }
        return NodeIdentity(node: found.node, commune: found.commune)
    }

    static func tokenHash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

// MARK: - Merging at the hub

/// The statements a merge runs for every change, prepared once per transaction: looking each
/// up in GRDB's statement cache hashed its SQL text four times per change.
struct MergeStatements {
    let current: BoundStatement
    let store: BoundStatement
    let log: BoundStatement
    let audit: BoundStatement

    init(_ db: Database) throws {
        current = try BoundStatement(Store.currentFieldSQL, db)
        store = try BoundStatement(Store.storeFieldSQL, db)
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

extension Store {
    /// Writes made by the district itself (task import, reviews): stamped by the hub's clock,
    /// merged, logged for the nodes that should hear of them, and audited.
    public func recordDistrict(_ writes: [FieldWrite], actor: String) throws {
        guard !writes.isEmpty else { return }
        // A task's assignment goes first, so its other fields reach the right communes.
        let ordered = writes.filter { $0.field == "communes" } + writes.filter { $0.field != "communes" }
        try write { db in
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
                                old: .boundByMerge, applied: change.stamp.hlc, outcome: outcome.rawValue, reason: nil,
                                receivedAt: now, statements.audit)
            }
            try saveClock(clockState, db)
        }
    }

    /// One exchange with a node: in one transaction, merge its batch (deduplicated by
    /// `(node, seq)`), audit every change and record what the node told us of its clock; once
    /// that is committed, read the next page of changes for it.
    public func exchange(_ request: SyncRequest, from identity: NodeIdentity) throws -> ExchangeResult {
        let pullLimit = try check(request, from: identity)
        let merged = try write { db in try merge(request, from: identity, db) }
        let page = try read { db in try pullPage(for: identity, after: request.cursor, limit: pullLimit, db) }
        return ExchangeResult(request, identity, merged, page, clock: clock.physical.now())
    }

    /// The same exchange for the hub's request handlers, without blocking a server thread.
    /// Exchanges that arrive together are committed together (`ExchangeQueue`); their pages
    /// are read afterwards on reader connections, in parallel, so the hub's one writer only
    /// merges. A reader sees every commit made before it began, so no page skips a change.
    public func exchange(_ request: SyncRequest, from identity: NodeIdentity) async throws -> ExchangeResult {
        let pullLimit = try check(request, from: identity)
        let merged = try await withCheckedThrowingContinuation { continuation in
            if exchangeQueue.enqueue(ExchangeQueue.Waiting(request: request, identity: identity, continuation: continuation)) {
                Task { await self.commitWaitingExchanges() }
            }
        }
        let page = try await asyncRead { db in try self.pullPage(for: identity, after: request.cursor, limit: pullLimit, db) }
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
        let receivedAt = clock.physical.now()
        let statements = try MergeStatements(db)
        var clockState = try clockState(db)
        var lastSeq = try Int64.fetchOne(db.cachedStatement(sql: "SELECT last_seq FROM nodes WHERE id = ?"),
                                         arguments: [identity.node]) ?? 0
        var rejected: [Rejection] = []
        var restamped: [Restamp] = []
        var tally = (applied: 0, lost: 0, duplicate: 0)
        var checks = RefusalChecks()

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
                    if first.outcome == "rejected" {
                        rejected.append(Rejection(seq: pushed.seq, code: first.reasonCode ?? "", reason: first.reason ?? ""))
                    } else if let applied = first.applied, applied != pushed.hlc {
                        restamped.append(Restamp(seq: pushed.seq, hlc: applied))
                    }
                }
                try appendAudit(change, sent: pushed.hlc, seq: pushed.seq, commune: identity.commune, old: .none, applied: nil,
                                outcome: "duplicate", reason: nil, receivedAt: receivedAt, statements.audit)
                tally.duplicate += 1
                continue
            }
            lastSeq = pushed.seq
            let collection = RecordCollection(rawValue: pushed.collection)
            if let refusal = try refusal(of: change, in: collection, from: identity, &checks, statements) {
                rejected.append(Rejection(seq: pushed.seq, code: refusal.code.rawValue, reason: refusal.message))
                try appendAudit(change, sent: pushed.hlc, seq: pushed.seq, commune: identity.commune, old: .none, applied: nil,
                                outcome: "rejected", reason: refusal, receivedAt: receivedAt, statements.audit)
                continue
            }
            if let adopted = clock.receive(pushed.hlc, after: clockState.last) {
                clockState.last = adopted
            } else {
                // Too far ahead of the hub's clock: the hub stamps it now, so a runaway PC
                // clock neither drags the hub forward nor wins every later conflict.
                clockState.last = clock.tick(after: clockState.last)
                change.stamp.hlc = clockState.last
                restamped.append(Restamp(seq: pushed.seq, hlc: change.stamp.hlc))
            }
            let outcome = try merge(change, in: collection!, of: identity.commune, statements, db)
            try appendAudit(change, sent: pushed.hlc, seq: pushed.seq, commune: identity.commune, old: .boundByMerge, applied: change.stamp.hlc,
                            outcome: outcome.rawValue, reason: nil, receivedAt: receivedAt, statements.audit)
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

    /// What the checks of one exchange remember from change to change.
    private struct RefusalChecks {
        /// Task assignments, looked up once per exchange rather than once per change.
        var assignments: [String: TaskAssignment?] = [:]
        /// The last actor name found valid: a batch is nearly always one officer's.
        var validActor: String?
    }

    /// Why the hub refuses a node's write, or nil when the node may make it.
    private func refusal(of change: FieldChange, in collection: RecordCollection?, from identity: NodeIdentity,
                         _ checks: inout RefusalChecks, _ statements: MergeStatements) throws -> SyncError? {
        guard let collection else {
            return SyncError(.unknownCollection, "unknown collection \(change.collection)")
        }
        guard collection == .progress || collection == .equipment else {
            return SyncError(.districtOnly, "only the district writes \(collection.rawValue)")
        }
        let commune: Substring, item: Substring
        do {
            // A valid progress or equipment record id is `<commune>/<item>`.
            (commune, item) = try Schema.validateRecord(change.record, in: collection)!
        } catch let error as SyncError {
            return error
        }
        guard commune == identity.commune else {
            return SyncError(.outOfScope, "node of \(identity.commune) may not write \(collection.rawValue)/\(change.record)")
        }
        guard let spec = Schema.spec(change.field, in: collection) else {
            return SyncError(.unknownField, "unknown field \(collection.rawValue).\(change.field)")
        }
        guard spec.writer == .commune else {
            return SyncError(.districtOnly, "only the district writes \(collection.rawValue).\(change.field)")
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
        if collection == .progress {
            let task = String(item)
            if checks.assignments[task] == nil {
                let key = FieldKey(collection: RecordCollection.tasks.rawValue, record: task, field: "communes")
                let field = try currentField(key, using: statements.current)
                checks.assignments[task] = .some(field?.value.text.flatMap(TaskAssignment.init(encoded:)))
            }
            guard let parsed = checks.assignments[task] ?? nil, parsed.includes(identity.commune) else {
                return SyncError(.unknownTask, "task \(task) is not assigned to \(identity.commune)")
            }
        }
        return nil
    }

    /// Merges one change into the hub's state; when it wins, logs it for every node that
    /// should hear of it. Binds the value the field held before into the audit statement
    /// (`AuditedOldValue.boundByMerge`), straight from SQLite's row, and returns the outcome.
    /// `commune` is the record's (`Schema.commune(of:record:)`), which the caller already has.
    private func merge(_ change: FieldChange, in collection: RecordCollection, of commune: String?,
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
            if collection == .tasks && change.field == "communes" {
                oldAssignment = current.fieldValue(0).text.flatMap(TaskAssignment.init(encoded:))
            }
            current.reset()
        } else {
            statements.audit.bindNull(9)
        }
        guard outcome == .applied else { return outcome }
        try storeField(change, using: statements.store)
        switch collection {
        case .communes, .progress, .equipment:
            if let commune {
                try appendLog(change, audiences: CollectionOfOne(commune), statements.log)
            }
        case .tasks:
            if change.field == "communes" {
                let new = change.value.text.flatMap(TaskAssignment.init(encoded:))
                let before = oldAssignment?.audiences ?? []
                let after = new?.audiences ?? []
                try appendLog(change, audiences: before.union(after).sorted(), statements.log)
                // Communes that just gained the task have missed its other fields: resend them.
                let gained = before.contains("*") ? [] : after.subtracting(before)
                if !gained.isEmpty {
                    for other in try fieldChanges(of: .tasks, record: change.record, db) where other.field != "communes" {
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
    private enum AuditedOldValue {
        /// The change was not merged (a duplicate or a refusal): no old value.
        case none
        /// `merge` bound the field's previous value (or null) from the stored row.
        case boundByMerge
    }

    /// Appends the audit row of `change`, which was sent stamped `sent` and applied (if it
    /// was) at `applied`: they differ when the hub restamped a change from a runaway clock.
    private func appendAudit(_ change: FieldChange, sent: HLC, seq: Int64?, commune: String?, old: AuditedOldValue, applied: HLC?,
                             outcome: String, reason: SyncError?, receivedAt: Int64, _ statement: BoundStatement) throws {
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
        statement.bind(15, outcome)
        statement.bind(16, reason?.code.rawValue)
        statement.bind(17, reason?.message)
        try statement.run()
    }

    /// How the hub first received a `(node, seq)`.
    private struct FirstAudit {
        var outcome: String
        var key: FieldKey
        var hlc: HLC
        var applied: HLC?
        var reasonCode: String?
        var reason: String?

        /// Whether `pushed` is the very change first received under its sequence number.
        func matches(_ pushed: PushedChange) -> Bool {
            key == FieldKey(collection: pushed.collection, record: pushed.record, field: pushed.field) && hlc == pushed.hlc
        }
    }

    private func firstAudit(node: String, seq: Int64, _ db: Database) throws -> FirstAudit? {
        let statement = try db.cachedStatement(sql: """
            SELECT outcome, applied_wall, applied_counter, reason_code, reason, collection, record, field, wall, counter
            FROM audit WHERE node = ? AND seq = ? AND outcome <> 'duplicate'
            """)
        guard let row = try Row.fetchOne(statement, arguments: [node, seq]) else { return nil }
        let wall: Int64? = row[1]
        let counter: Int64? = row[2]
        return FirstAudit(outcome: row[0], key: FieldKey(collection: row[5], record: row[6], field: row[7]),
                          hlc: HLC(wall: row[8], counter: UInt32(row[9] as Int64)),
                          applied: wall.map { HLC(wall: $0, counter: UInt32(counter ?? 0)) },
                          reasonCode: row[3], reason: row[4])
    }

    /// The next changes a node should hear of: its commune's records and tasks, whoever wrote
    /// them, except its own writes. A cursor beyond the log (a hub restored from an older
    /// backup) restarts from the beginning; re-applying is harmless.
    private func pullPage(for identity: NodeIdentity, after cursor: Int64, limit: Int, _ db: Database) throws -> PullPage {
        let newest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(seq) FROM hub_log")) ?? 0
        let start = cursor > newest ? 0 : cursor
        let rows = try BoundStatement("""
            SELECT seq, collection, record, field, value, wall, counter, node, actor FROM hub_log
            WHERE seq > ?1 AND audience IN (?2, '*') AND node <> ?3
            ORDER BY seq LIMIT ?4
            """, db)
        rows.bind(1, start)
        rows.bind(2, identity.commune)
        rows.bind(3, identity.node)
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
        // A page that is not full has shown this node everything up to the newest entry.
        return PullPage(changes: changes, cursor: more ? changes.last!.hubSeq : max(newest, start), more: more)
    }
}
