import Foundation
import Logging

/// What one `sync` achieved.
public struct SyncSummary: Sendable, Hashable {
    public var exchanges = 0
    public var pushed = 0
    public var pulled = 0
    public var rejected = 0

    public init() {}
}

/// The agent's side of the exchange: push the outbox and pull the hub's changes, one round
/// trip at a time, until both directions are drained.
///
/// Every step is safe to repeat: the hub deduplicates pushed entries by `(node, seq)` and the
/// pull cursor only advances in the same transaction that applies the page, so a lost reply or
/// a crash mid-sync at worst sends something again.
public struct SyncClient: Sendable {
    public let store: AgentStore
    public let transport: any SyncTransport
    /// Outbox entries per exchange: as many as the hub takes (about 1 MB of JSON at most).
    public var batchSize = SyncProtocol.maxChangesPerBatch
    public var pullLimit = SyncProtocol.maxChangesPerBatch
    public var logger: Logger

    public init(store: AgentStore, transport: any SyncTransport, logger: Logger = Logger(label: "sync")) {
        self.store = store
        self.transport = transport
        self.logger = logger
    }

    /// Exchanges until the outbox is empty and the hub has nothing more. On failure the error
    /// is remembered for `status` and thrown; nothing already acknowledged is lost and nothing
    /// pending is dropped.
    @discardableResult
    public func syncUntilDrained(token: String) async throws -> SyncSummary {
        do {
            return try await drain(token: token)
        } catch let error as SyncError {
            try? await store.recordSyncFailure(error.officerMessage)
            throw error
        }
    }

    private func drain(token: String) async throws -> SyncSummary {
        let identity = try await store.agentIdentity()
        var summary = SyncSummary()
        var limit = batchSize
        while true {
            let step: Step
            do {
                step = try await exchangeOnce(token: token, identity: identity, limit: limit)
            } catch let error as SyncError where error.code == .tooLarge && limit > 1 {
                // The hub (or a proxy before it) takes less than we sent: halve and go on.
                limit = max(1, min(limit, try await store.agentSyncState().pending) / 2)
                logger.info("sync.batch.split", metadata: ["sync.batch.count": "\(limit)"])
                continue
            }
            summary.exchanges += 1
            summary.pushed += step.pushed
            summary.pulled += step.pulled
            summary.rejected += step.rejected
            if step.drained { return summary }
        }
    }

    /// What one round trip did.
    public struct Step: Sendable, Hashable {
        public var pushed: Int
        public var pulled: Int
        public var rejected: Int
        /// Nothing left to push and nothing more to pull.
        public var drained: Bool
    }

    /// One round trip: push the next batch, pull the next page. Tests drive partial syncs with it.
    public func exchangeOnce(token: String) async throws -> Step {
        try await exchangeOnce(token: token, identity: try await store.agentIdentity(), limit: batchSize)
    }

    private func exchangeOnce(token: String, identity: AgentIdentity, limit: Int) async throws -> Step {
        let (batch, cursor) = try await store.nextExchange(limit: limit)
        let request = SyncRequest(
            node: identity.node, commune: identity.commune, clock: store.clock.physical.now(),
            cursor: cursor, pullLimit: pullLimit,
            changes: batch.map { entry in
                PushedChange(seq: entry.seq, collection: entry.change.collection, record: entry.change.record,
                             field: entry.change.field, value: entry.change.value,
                             hlc: entry.change.stamp.hlc, actor: entry.change.actor)
            })
        let sentAt = store.clock.physical.now()
        let response = try await transport.exchange(request, token: token)
        let receivedAt = store.clock.physical.now()
        guard response.commune == identity.commune else {
            throw SyncError(.forbidden, "the hub says this token belongs to commune \(response.commune), not \(identity.commune)")
        }
        // A restored hub acknowledges nothing of the batch: it says how far it holds this node's
        // changes, and the store sends again what follows (`AgentStore.applyReply`).
        if let last = batch.last, response.acked < last.seq, !PullCursor.logChanged(sent: request.cursor, answered: response.cursor) {
            throw SyncError(.hubError, "the hub acknowledged up to \(response.acked) of a batch ending at \(last.seq)")
        }
        let pullsAgain = try await store.applyReply(response, sent: batch, cursor: request.cursor, sentAt: sentAt, receivedAt: receivedAt)
        logger.debug("sync.exchange", metadata: [
            "sync.push.count": "\(batch.count)", "sync.pull.count": "\(response.changes.count)",
            "sync.cursor": "\(response.cursor)",
        ])
        var drained = !response.more && !pullsAgain
        if drained && !batch.isEmpty { drained = try await !store.hasPending() }
        return Step(pushed: batch.count, pulled: response.changes.count, rejected: response.rejected.count, drained: drained)
    }
}
