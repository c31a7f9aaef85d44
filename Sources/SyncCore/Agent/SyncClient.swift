import Foundation
import Logging

/// What one `sync` achieved.
public struct SyncSummary: Sendable, Hashable {
    public var exchanges = 0
    public var pushed = 0
    public var pulled = 0
    public var rejected = 0
}

/// The agent's side of the exchange: push the outbox and pull the hub's changes, one round
/// trip at a time, until both directions are drained.
///
/// Every step is safe to repeat: the hub deduplicates pushed entries by `(node, seq)` and the
/// pull cursor only advances in the same transaction that applies the page, so a lost reply or
/// a crash mid-sync at worst sends something again.
public struct SyncClient: Sendable {
    public let store: Store
    public let transport: any SyncTransport
    public var batchSize = 500
    public var pullLimit = SyncProtocol.maxChangesPerBatch
    public var logger: Logger

    public init(store: Store, transport: any SyncTransport, logger: Logger = Logger(label: "sync")) {
        self.store = store
        self.transport = transport
        self.logger = logger
    }

    /// Exchanges until the outbox is empty and the hub has nothing more. On failure the error
    /// is remembered for `status` and thrown; nothing already acknowledged is lost and nothing
    /// pending is dropped.
    @discardableResult
    public func syncUntilDrained(token: String) throws -> SyncSummary {
        do {
            return try drain(token: token)
        } catch let error as SyncError {
            try? store.recordSyncFailure(error.message)
            throw error
        }
    }

    private func drain(token: String) throws -> SyncSummary {
        let identity = try store.agentIdentity()
        var summary = SyncSummary()
        var limit = batchSize
        while true {
            let batch = try store.outboxBatch(limit: limit)
            let request = SyncRequest(
                node: identity.node, commune: identity.commune, clock: store.clock.physical.now(),
                cursor: try store.pullCursor(), pullLimit: pullLimit,
                changes: batch.map { entry in
                    PushedChange(seq: entry.seq, collection: entry.change.collection, record: entry.change.record,
                                 field: entry.change.field, value: entry.change.value,
                                 hlc: entry.change.stamp.hlc, actor: entry.change.actor)
                })
            let sentAt = store.clock.physical.now()
            let response: SyncResponse
            do {
                response = try transport.exchange(request, token: token)
            } catch let error as SyncError where error.code == .tooLarge && batch.count > 1 {
                // The hub (or a proxy before it) takes less than we sent: halve and go on.
                limit = max(1, batch.count / 2)
                logger.info("sync.batch.split", metadata: ["sync.batch.count": "\(limit)"])
                continue
            }
            let receivedAt = store.clock.physical.now()
            guard response.commune == identity.commune else {
                throw SyncError(.forbidden, "the hub says this token belongs to commune \(response.commune), not \(identity.commune)")
            }
            if let last = batch.last, response.acked < last.seq {
                throw SyncError(.hubError, "the hub acknowledged up to \(response.acked) of a batch ending at \(last.seq)")
            }
            try store.applyReply(response, sent: batch, sentAt: sentAt, receivedAt: receivedAt)
            summary.exchanges += 1
            summary.pushed += batch.count
            summary.pulled += response.changes.count
            summary.rejected += response.rejected.count
            logger.debug("sync.exchange", metadata: [
                "sync.push.count": "\(batch.count)", "sync.pull.count": "\(response.changes.count)",
                "sync.cursor": "\(response.cursor)",
            ])
            if try !response.more && (batch.isEmpty || store.agentSyncState().pending == 0) { return summary }
        }
    }
}

/// Reads a node token from its file: the token never appears on a command line.
public enum TokenFile {
    public static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SyncError(.invalidInput, "Không đọc được tệp mã truy cập (cannot read token file) \(path)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let dot = token.firstIndex(of: "."), token[..<dot].hasPrefix("n-"), token.count < 200 else {
            throw SyncError(.invalidInput, "Tệp \(path) không chứa mã truy cập hợp lệ (not a node token)")
        }
        return token
    }

    /// The node id a token was issued to: the part before the dot.
    public static func node(of token: String) -> String {
        String(token[..<(token.firstIndex(of: ".") ?? token.endIndex)])
    }
}
