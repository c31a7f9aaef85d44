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

    private let lock = NSLock()
    private var waiting: [Waiting] = []
    private var committing = false

    /// Queues an exchange; true when nobody is committing and the caller must start the loop.
    func enqueue(_ exchange: Waiting) -> Bool {
        lock.withLock {
            waiting.append(exchange)
            guard !committing else { return false }
            committing = true
            return true
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
            defer { waiting.removeFirst(count) }
            return Array(waiting.prefix(count))
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
