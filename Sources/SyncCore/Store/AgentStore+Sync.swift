import Foundation
import GRDB

/// Who this agent is, set once by `commune-agent init`.
public struct AgentIdentity: Sendable, Hashable {
    public var node: String
    public var commune: String
    public var hubURL: String
    /// Where the node token is read from at each sync: it never lives in the store.
    public var tokenFile: String

    public init(node: String, commune: String, hubURL: String, tokenFile: String) {
        self.node = node
        self.commune = commune
        self.hubURL = hubURL
        self.tokenFile = tokenFile
    }
}

/// One pending outbox entry.
public struct OutboxEntry: Sendable, Hashable {
    public var seq: Int64
    public var change: FieldChange
}

/// What `commune-agent status` reports.
public struct AgentSyncState: Sendable, Hashable {
    /// Pending outbox entries: one per field written.
    public var pending: Int
    /// Pending reports and checks (each is one stamp over several fields), as officers count.
    public var pendingReports: Int
    public var rejected: Int
    public var cursor: Int64
    /// Milliseconds since the epoch (local clock) of the last successful exchange.
    public var lastSync: Int64?
    public var lastError: String?
    /// Hub clock minus this PC's clock, as last measured; nil before the first sync.
    public var clockOffsetMs: Int64?
}

/// A local write that the hub refused, shown to the officer and the operator.
public struct RejectedWrite: Sendable, Hashable {
    public var seq: Int64
    public var change: FieldChange
    public var code: String
    public var reason: String
}

/// The agent's keys in `meta`.
enum AgentMeta {
    static let node = "agent.node"
    static let commune = "agent.commune"
    static let hubURL = "agent.hub_url"
    static let tokenFile = "agent.token_file"
    static let cursor = "agent.cursor"
    static let lastSync = "agent.last_sync"
    static let lastError = "agent.last_error"
    static let offsetMeasured = "agent.offset_measured"
    /// The last outbox entry a previous node settled with the hub; what follows is this node's.
    static let previousNodeSeq = "agent.previous_node_seq"
    /// Set while changes a restored hub lost are sent again: pulls include this node's own
    /// writes until they are all back (see `startOverAfterHubRestore`).
    static let pullOwnWrites = "agent.pull_own_writes"
}

extension AgentStore {
    /// Binds this store to a node of a commune. Re-running it may change the hub address or the
    /// token file, never the commune of a store that already has one, and the node only with
    /// `rebind`: after a restore from an older backup, a newly enrolled node takes over the
    /// store and sends what is pending under its own name.
    ///
    /// A rebound store is behind the hub in ways its cursor cannot tell (its writes made after
    /// the backup are at the hub under the old node), so it pulls everything again, its own
    /// writes included (`PullCursor.fullPull(keepingLogOf:)`, so a hub restored meanwhile is
    /// still noticed). Its pending writes will reach the hub stamped with the new node, so the
    /// fields they hold here take the new node too: the stamps replicas compare, and the ones
    /// the hub's restamps name, are then the same everywhere. What the old node had settled
    /// stays its own (`previousNodeSeq`).
    public func configureAgent(_ identity: AgentIdentity, rebind: Bool = false) async throws {
        try await write { [self] db in
            let previous = try meta(AgentMeta.node, db)
            if let node = previous, node != identity.node, !rebind {
                throw SyncError(.invalidInput, "this store already belongs to node \(node); use a new --db for another node, or --rebind after a restore")
            }
            if let commune = try meta(AgentMeta.commune, db), commune != identity.commune {
                throw SyncError(.invalidInput, "this store already belongs to commune \(commune)")
            }
            if let previous, previous != identity.node {
                try db.execute(sql: """
                    UPDATE fields SET node = ?1
                    WHERE node = ?2 AND EXISTS (
                      SELECT 1 FROM outbox o WHERE o.state = 'pending' AND o.collection = fields.collection
                        AND o.record = fields.record AND o.field = fields.field
                        AND o.wall = fields.wall AND o.counter = fields.counter)
                    """, arguments: [identity.node, previous])
                let cursor = try meta(AgentMeta.cursor, db).flatMap { Int64($0) } ?? 0
                try setMeta(AgentMeta.cursor, String(PullCursor.fullPull(keepingLogOf: cursor)), db)
                let settled = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM outbox WHERE state <> 'pending'") ?? 0
                try setMeta(AgentMeta.previousNodeSeq, String(settled), db)
            }
            try setMeta(AgentMeta.node, identity.node, db)
            try setMeta(AgentMeta.commune, identity.commune, db)
            try setMeta(AgentMeta.hubURL, identity.hubURL, db)
            try setMeta(AgentMeta.tokenFile, identity.tokenFile, db)
        }
    }

    public func agentIdentity() async throws -> AgentIdentity {
        try await read { [self] db in
            guard let node = try meta(AgentMeta.node, db), let commune = try meta(AgentMeta.commune, db),
                let hubURL = try meta(AgentMeta.hubURL, db), let tokenFile = try meta(AgentMeta.tokenFile, db)
            else {
                throw SyncError(.notInitialized, "Kho dữ liệu chưa được khởi tạo: chạy `commune-agent init` trước (store not initialised).")
            }
            return AgentIdentity(node: node, commune: commune, hubURL: hubURL, tokenFile: tokenFile)
        }
    }

    /// Records local writes made by `actor`: one transaction stamps them with one clock tick,
    /// stores them and appends them to the outbox, so none is ever stored without being sent.
    @discardableResult
    public func record(_ writes: [FieldWrite], actor: String, node: String) async throws -> [FieldChange] {
        try await write { [self] db in try record(writes, actor: actor, node: node, db) }
    }

    /// Records the writes `build` makes from the current values of the records it reads
    /// (`current(collection, record)`), read in the same transaction: a report carries over the
    /// fields it does not change, and a sync merging a newer value between the read and the
    /// write would otherwise be overwritten with the stale one. `build` runs inside the write
    /// transaction, on GRDB's writer queue, hence `@Sendable`.
    @discardableResult
    public func record(actor: String, node: String,
                       _ build: @escaping @Sendable (_ current: (RecordCollection, String) throws -> [String: FieldValue]) throws -> [FieldWrite])
        async throws -> [FieldChange]
    {
        try await write { [self] db in
            let writes = try build { collection, record in try fields(of: collection, record: record, db) }
            return try record(writes, actor: actor, node: node, db)
        }
    }

    func record(_ writes: [FieldWrite], actor: String, node: String, _ db: Database) throws -> [FieldChange] {
        precondition(!writes.isEmpty, "record needs at least one write")
        // One stamp for all: the same field twice would leave this replica with the last value
        // and the hub with the first (an equal stamp is a duplicate there), so they would differ.
        precondition(Set(writes.map { FieldKey(collection: $0.collection, record: $0.record, field: $0.field) }).count == writes.count,
                     "record writes each field at most once")
        var clockState = try clockState(db)
        clockState.last = clock.tick(after: clockState.last, offset: clockState.offset)
        let stamp = Stamp(hlc: clockState.last, node: node)
        let now = clock.physical.now()
        let outbox = try db.cachedStatement(sql: """
            INSERT INTO outbox(collection, record, field, value, wall, counter, actor, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var changes: [FieldChange] = []
        for write in writes {
            let change = FieldChange(collection: write.collection, record: write.record, field: write.field,
                                     value: write.value, stamp: stamp, actor: actor)
            // The tick is after every stamp this replica has seen, so a local write always wins here.
            try storeField(change, db)
            try outbox.execute(arguments: [
                change.collection, change.record, change.field, change.value,
                stamp.hlc.wall, Int64(stamp.hlc.counter), actor, now,
            ])
            changes.append(change)
        }
        try saveClock(clockState, db)
        return changes
    }

    /// The oldest pending outbox entries, at most `limit` of them and about `maxBytes` of JSON.
    /// A batch ends between two reports, not inside one (unless one report alone is larger
    /// than the batch): the hub restamps a report from a runaway clock with one stamp only when
    /// it sees all of its fields together.
    public func outboxBatch(limit: Int, maxBytes: Int = SyncProtocol.maxRequestBytes) async throws -> [OutboxEntry] {
        try await read { [self] db in try outboxBatch(limit: limit, maxBytes: maxBytes, db) }
    }

    /// The next exchange's batch (`outboxBatch`) and the cursor to send with it, read in one
    /// transaction. Read apart, a reply to another sync (the CLI beside the daemon) applied in
    /// between could pair a batch that skips what a restored hub lost (still acknowledged when
    /// the batch was read) with the cursor of that hub's new log (set by the reply); the hub
    /// would take the batch as following on and acknowledge past the lost changes.
    public func nextExchange(limit: Int, maxBytes: Int = SyncProtocol.maxRequestBytes) async throws -> (batch: [OutboxEntry], cursor: Int64) {
        try await read { [self] db in (try outboxBatch(limit: limit, maxBytes: maxBytes, db), try cursorToSend(db)) }
    }

    private func outboxBatch(limit: Int, maxBytes: Int, _ db: Database) throws -> [OutboxEntry] {
        let node = try meta(AgentMeta.node, db) ?? ""
        // One row more than the batch holds, to see whether the last report goes on.
        let rows = try Row.fetchCursor(db, sql: """
            SELECT seq, collection, record, field, value, wall, counter, actor FROM outbox
            WHERE state = 'pending' ORDER BY seq LIMIT ?
            """, arguments: [limit + 1])
        var entries: [OutboxEntry] = []
        var bytes = 0
        var cutInsideReport = false
        while let row = try rows.next() {
            let value = FieldValue.fromDatabaseValue(row[4]) ?? .null
            let change = FieldChange(
                collection: row[1], record: row[2], field: row[3], value: value,
                stamp: Stamp(hlc: HLC(wall: row[5], counter: UInt32(row[6] as Int64)), node: node), actor: row[7])
            // A rough upper bound of the entry's JSON in protocol 2's columns: quotes, commas
            // and the numbers (differences, mostly short) add about 30 bytes.
            bytes += 30 + change.collection.utf8.count + change.record.utf8.count + change.field.utf8.count
                + change.actor.utf8.count + (value.text?.utf8.count ?? 24)
            if entries.count == limit || (bytes > maxBytes && !entries.isEmpty) {
                cutInsideReport = entries.last?.change.stamp == change.stamp
                break
            }
            entries.append(OutboxEntry(seq: row[0], change: change))
        }
        if cutInsideReport, let stamp = entries.last?.change.stamp, let start = entries.firstIndex(where: { $0.change.stamp == stamp }),
            start > 0
        {
            entries.removeSubrange(start...)
        }
        return entries
    }

    /// The newest outbox sequence: the daemon polls it to sync soon after a local write made
    /// by another process (the CLI, the local web form).
    public func latestOutboxSeq() async throws -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT max(seq) FROM outbox") ?? 0 }
    }

    /// The cursor to send: the hub's, asking for this node's own writes too while a restored
    /// hub is given back what it lost.
    private func cursorToSend(_ db: Database) throws -> Int64 {
        let cursor = try meta(AgentMeta.cursor, db).flatMap { Int64($0) } ?? 0
        guard try meta(AgentMeta.pullOwnWrites, db) != nil else { return cursor }
        var position = PullCursor(cursor)
        position.full = true
        return position.encoded
    }

    /// Applies the hub's answer to `sent` in one transaction: acknowledged entries leave the
    /// pending outbox, refused ones are marked with their reason, re-stamped ones adopt the
    /// hub's stamp, pulled changes merge (without entering the outbox) and the cursor advances.
    ///
    /// `sentAt` and `receivedAt` are this PC's clock around the exchange, for the offset;
    /// `cursor` is the cursor the exchange sent (`nextExchange`).
    /// Returns whether the sync must go on although this page was the last: the pull starts
    /// again (a refused write was dropped), or a restored hub needs changes sent again.
    ///
    /// Two syncs may run at once (the CLI beside the daemon). The reply's cursor is taken only
    /// if no other reply moved the cursor since this exchange read it: a late reply to an older
    /// cursor would otherwise undo a pull started again, and the writes it was to bring back
    /// would never come. Its changes merge either way; a pull is at worst repeated.
    @discardableResult
    public func applyReply(_ response: SyncResponse, sent: [OutboxEntry], cursor sentCursor: Int64, sentAt: Int64, receivedAt: Int64)
        async throws -> Bool
    {
        try await write { [self] db in
            var clockState = try clockState(db)
            clockState.offset = response.clock - (sentAt + receivedAt) / 2
            // Only restamps and refusals look entries up; a plain drain acknowledges thousands.
            let sentBySeq = response.restamped.isEmpty && response.rejected.isEmpty
                ? [:] : Dictionary(uniqueKeysWithValues: sent.map { ($0.seq, $0.change) })
            let cursorUnmoved = try cursorToSend(db) == sentCursor
            var sendAgain = false
            if cursorUnmoved, PullCursor.logChanged(sent: sentCursor, answered: response.cursor) {
                sendAgain = try startOverAfterHubRestore(holding: response.acked, db)
            }

            // The hub's stamp replaces ours only where our write still holds the field.
            for restamp in response.restamped {
                guard let change = sentBySeq[restamp.seq] else { continue }
                try db.execute(sql: """
                    UPDATE fields SET wall = ?, counter = ?
                    WHERE collection = ? AND record = ? AND field = ? AND wall = ? AND counter = ? AND node = ?
                    """, arguments: [
                        restamp.wall, Int64(restamp.counter), change.collection, change.record, change.field,
                        change.stamp.hlc.wall, Int64(change.stamp.hlc.counter), change.stamp.node,
                    ])
                clockState.last = clock.observe(restamp.hlc, after: clockState.last, offset: clockState.offset)
            }
            // A refused write must not stay in the merged state: where it still holds its field,
            // it goes, and a full pull brings back what the hub holds there (perhaps this node's
            // own earlier write, which a normal pull leaves out). The outbox keeps it, refused,
            // for the office's history.
            var pullAgain = false
            for rejection in response.rejected {
                try db.execute(sql: """
                    UPDATE outbox SET state = 'rejected', reason_code = ?, reason = ? WHERE seq = ? AND state = 'pending'
                    """, arguments: [rejection.code, rejection.reason, rejection.seq])
                guard let change = sentBySeq[rejection.seq] else { continue }
                try db.execute(sql: """
                    DELETE FROM fields
                    WHERE collection = ? AND record = ? AND field = ? AND wall = ? AND counter = ? AND node = ?
                    """, arguments: [
                        change.collection, change.record, change.field,
                        change.stamp.hlc.wall, Int64(change.stamp.hlc.counter), change.stamp.node,
                    ])
                pullAgain = pullAgain || db.changesCount > 0
            }
            // Only what this exchange sent and the hub answered leaves the outbox: an entry below
            // `acked` that another sync sent (the CLI beside the daemon, a lost reply) goes again,
            // and the hub answers it as a duplicate, with its restamp or refusal.
            if let first = sent.first?.seq, let last = sent.last?.seq {
                try db.execute(sql: "UPDATE outbox SET state = 'acked' WHERE state = 'pending' AND seq BETWEEN ? AND ?",
                               arguments: [first, min(last, response.acked)])
            }

            for pulled in response.changes {
                let change = pulled.change
                clockState.last = clock.observe(change.stamp.hlc, after: clockState.last, offset: clockState.offset)
                let current = try currentField(change.key, db)
                if LastWriterWins.outcome(incoming: change.stamp, current: current?.stamp) == .applied {
                    try storeField(change, db)
                }
            }
            // Our clock is never behind the hub's once we have heard from it.
            clockState.last = clock.observe(HLC(wall: response.clock), after: clockState.last, offset: clockState.offset)
            try saveClock(clockState, db)
            if pullAgain {
                // Starting again is right whatever else moved the cursor.
                try setMeta(AgentMeta.cursor, String(PullCursor.fullPull(keepingLogOf: response.cursor)), db)
            } else if cursorUnmoved {
                try setMeta(AgentMeta.cursor, String(response.cursor), db)
            }
            if sendAgain {
                try setMeta(AgentMeta.pullOwnWrites, "1", db)
            } else if cursorUnmoved, !response.more,
                try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'pending')")!
            {
                try setMeta(AgentMeta.pullOwnWrites, nil, db)
            }
            try setMeta(AgentMeta.lastSync, String(receivedAt), db)
            try setMeta(AgentMeta.offsetMeasured, "1", db)
            try setMeta(AgentMeta.lastError, nil, db)
            return pullAgain || sendAgain
        }
    }

    /// The hub was restored from a backup (its log changed) and holds this node's changes up to
    /// `acked` only. What it acknowledged after that is pending again, to be sent in order
    /// before anything new; and this replica sets aside every value but those pending writes,
    /// so the full pull that began with this reply leaves it with exactly the hub's state
    /// (writes the district made after the backup are gone there, so they go here too).
    ///
    /// A change sent again may come back stamped otherwise than the field held it (the old
    /// hub's restamp is gone with it, the new one restamps anew), so its field is set aside
    /// too, and pulls include this node's own writes until every change is back: the hub's
    /// answer for each is then what this replica takes.
    ///
    /// Returns whether anything is to be sent again.
    private func startOverAfterHubRestore(holding acked: Int64, _ db: Database) throws -> Bool {
        // Entries an earlier node of this store settled are not this node's to send.
        let previousNode = try meta(AgentMeta.previousNodeSeq, db).flatMap { Int64($0) } ?? 0
        try db.execute(sql: "UPDATE outbox SET state = 'pending' WHERE state = 'acked' AND seq > ?",
                       arguments: [max(acked, previousNode)])
        let sendAgain = db.changesCount > 0
        let node = try meta(AgentMeta.node, db) ?? ""
        try db.execute(sql: """
            DELETE FROM fields
            WHERE node <> ? OR NOT EXISTS (
              SELECT 1 FROM outbox o WHERE o.state = 'pending' AND o.collection = fields.collection
                AND o.record = fields.record AND o.field = fields.field
                AND o.wall = fields.wall AND o.counter = fields.counter)
            """, arguments: [node])
        return sendAgain
    }

    /// Remembers why the last sync failed, for `status` and the officer's screen.
    public func recordSyncFailure(_ message: String) async throws {
        try await write { [self] db in try setMeta(AgentMeta.lastError, message, db) }
    }

    /// Whether anything waits in the outbox: what the sync loop asks after every exchange.
    public func hasPending() async throws -> Bool {
        try await read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'pending')") ?? false }
    }

    public func agentSyncState() async throws -> AgentSyncState {
        try await read { [self] db in
            let counts = try Row.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'),
                       (SELECT count(*) FROM outbox WHERE state = 'rejected'),
                       (SELECT count(*) FROM (SELECT DISTINCT wall, counter FROM outbox WHERE state = 'pending'))
                """)!
            let measured = try meta(AgentMeta.offsetMeasured, db) != nil
            return AgentSyncState(
                pending: counts[0], pendingReports: counts[2], rejected: counts[1],
                cursor: try meta(AgentMeta.cursor, db).flatMap { Int64($0) } ?? 0,
                lastSync: try meta(AgentMeta.lastSync, db).flatMap { Int64($0) },
                lastError: try meta(AgentMeta.lastError, db),
                clockOffsetMs: measured ? try clockState(db).offset : nil)
        }
    }

    /// The writes the hub refused, newest first.
    public func rejectedWrites(limit: Int = 100) async throws -> [RejectedWrite] {
        try await read { [self] db in
            let node = try meta(AgentMeta.node, db) ?? ""
            return try Row.fetchAll(db, sql: """
                SELECT seq, collection, record, field, value, wall, counter, actor, reason_code, reason
                FROM outbox WHERE state = 'rejected' ORDER BY seq DESC LIMIT ?
                """, arguments: [limit]).map { row in
                    RejectedWrite(
                        seq: row[0],
                        change: FieldChange(
                            collection: row[1], record: row[2], field: row[3],
                            value: FieldValue.fromDatabaseValue(row[4]) ?? .null,
                            stamp: Stamp(hlc: HLC(wall: row[5], counter: UInt32(row[6] as Int64)), node: node),
                            actor: row[7]),
                        code: row[8] ?? "", reason: row[9] ?? "")
                }
        }
    }

    /// Today in Vietnam by this agent's hub-corrected clock.
    public func today() async throws -> CalendarDay {
        let offset = try await read { [self] db in try clockState(db).offset }
        return CalendarDay(millis: clock.physical.now() + offset)
    }
}
