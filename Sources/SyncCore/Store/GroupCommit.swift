import Foundation
import GRDB

/// Exchanges waiting for the hub's one writer.
///
/// Every commit waits for the disk (`synchronous=FULL`), and one fsync costs more than merging
/// a small batch: when a thousand communes reconnect after an outage, committing their
/// exchanges one by one queues the last one behind a thousand fsyncs. Exchanges that arrive
/// while a commit is under way therefore wait here and go into the next transaction together,
/// each in its own savepoint, so a request refused as a whole (`sequence_reused`) is undone
/// alone and the others commit. Nobody is answered before the transaction holding their
/// changes is on disk.
final class ExchangeQueue: @unchecked Sendable {
    struct Waiting {
        var request: SyncRequest
        var identity: NodeIdentity
        var continuation: CheckedContinuation<MergedBatch, any Error>
    }

    /// A group stops growing past this many changes, so one transaction stays short.
    static let maxChangesPerGroup = 5_000

    /// What may wait, in changes, before an exchange bringing more is told to come back later
    /// (429 and `Retry-After`): a few seconds of merging. When the whole country reconnects at
    /// once, an exchange queued behind minutes of others' would outlast the agents' 30-second
    /// stall limit, be abandoned and sent again; refused at once, it waits without holding a
    /// connection and comes back when the queue has drained.
    var maxQueuedChanges: Int {
        get { lock.withLock { queueLimit } }
        set { lock.withLock { queueLimit = newValue } }
    }

    /// The merge rate `Retry-After` assumes (changes a second, a slow day's).
    static let drainRate = 20_000

    enum Admission {
        /// Queued, and nobody is committing: the caller starts the loop.
        case startLoop
        case queued
        /// Not queued: come back in this many seconds.
        case full(retryAfter: Int)
    }

    private let lock = NSLock()
    private var waiting: [Waiting] = []
    private var queuedChanges = 0
    private var queueLimit = 100_000
    private var committing = false

    /// Queues an exchange, unless the changes waiting already fill the queue; an exchange
    /// bringing nothing (a pull) is always queued.
    func enqueue(_ exchange: Waiting) -> Admission {
        lock.withLock {
            let changes = exchange.request.changes.count
            if changes > 0, queuedChanges > 0, queuedChanges + changes > queueLimit {
                // The queue's length at the merge rate, up to twice that: those refused
                // together do not all come back in the same second.
                let drained = max(1, min(60, (queuedChanges + Self.drainRate - 1) / Self.drainRate))
                return .full(retryAfter: drained + Int.random(in: 0...drained))
            }
            waiting.append(exchange)
            queuedChanges += changes
            guard !committing else { return .queued }
            committing = true
            return .startLoop
        }
    }

    /// The next group, oldest first; nil (and the loop ends) when nothing waits.
    func nextGroup() -> [Waiting]? {
        lock.withLock {
            guard !waiting.isEmpty else {
                committing = false
                return nil
            }
            var changes = 0
            let count = waiting.prefix { exchange in
                defer { changes += exchange.request.changes.count }
                return changes < Self.maxChangesPerGroup
            }.count
            let group = Array(waiting.prefix(count))
            waiting.removeFirst(count)
            queuedChanges -= group.reduce(0) { $0 + $1.request.changes.count }
            return group
        }
    }
}

extension HubStore {
    /// Commits groups until nothing waits. Started by the exchange that found the queue idle.
    func commitWaitingExchanges() async {
        while let group = exchangeQueue.nextGroup() {
            let outcomes: [Result<MergedBatch, SyncError>]
            do {
                outcomes = try await write { db in
                    // One exchange alone needs no savepoint: its failure (a refusal too) is
                    // thrown, and rolls the whole transaction back. A savepoint makes SQLite
                    // journal every page the merge first changes.
                    if group.count == 1, let exchange = group.first {
                        do {
                            return [.success(try self.merge(exchange.request, from: exchange.identity, db))]
                        } catch let error as DatabaseError {
                            throw ReplicaDatabase.storageError(error, "exchange of node \(exchange.identity.node) failed")
                        }
                    }
                    return try group.map { exchange in
                        var merged: MergedBatch?
                        do {
                            try db.inSavepoint {
                                merged = try self.merge(exchange.request, from: exchange.identity, db)
                                return .commit
                            }
                        } catch let refusal as SyncError {
                            return .failure(refusal)
                        } catch let error as DatabaseError where db.isInsideTransaction {
                            // This exchange's statements failed and its savepoint rolled back;
                            // the transaction holds and the others still commit. (A full disk
                            // or an I/O error ends the whole transaction: rethrown below.)
                            return .failure(ReplicaDatabase.storageError(error, "exchange of node \(exchange.identity.node) failed"))
                        }
                        merged!.groupSize = group.count
                        return .success(merged!)
                    }
                }
            } catch {
                // The transaction itself failed (a full disk…): nothing of the group is kept.
                for exchange in group { exchange.continuation.resume(throwing: error) }
                continue
            }
            for (exchange, outcome) in zip(group, outcomes) {
                exchange.continuation.resume(with: outcome.mapError { $0 as any Error })
            }
        }
    }
}
