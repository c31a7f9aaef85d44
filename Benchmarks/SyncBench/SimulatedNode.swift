import Foundation
import SyncCore

/// A commune PC as the hub sees it, without a store of its own: it pushes a backlog of
/// `changes` progress edits through the real wire encoding and libcurl transport, batch by
/// batch as the agent does, and pulls until the hub has nothing more for it. What would make
/// an agent retry makes it retry the same request (safe: the hub deduplicates by sequence).
final class SimulatedNode: @unchecked Sendable {
    /// What one node saw; read once its thread has finished.
    struct Tally {
        var acked = 0
        var exchanges = 0
        /// 429 answers, each followed by a wait of `Retry-After` and a retry.
        var slowDown = 0
        /// Every other failure (transport, 5xx, a short acknowledgement), each retried.
        var errors = 0
        /// Whether the node stopped with changes unsent after too many failures in a row.
        var gaveUp = false
        var latenciesMs: [Double] = []
    }

    static let maxFailuresInARow = 10

    let token: NodeToken
    let transport: CurlSyncTransport
    private(set) var tally = Tally()

    init(token: NodeToken, hubURL: String) {
        self.token = token
        self.transport = CurlSyncTransport(hubURL: hubURL)
    }

    func run(changes: Int, batch: Int) {
        var sent = 0
        var cursor: Int64 = 0
        while true {
            let count = min(batch, changes - sent)
            let request = SyncRequest(
                node: token.node, commune: token.commune, clock: epochMillis(), cursor: cursor,
                pullLimit: SyncProtocol.maxChangesPerBatch,
                changes: (sent..<sent + count).map { SyncBench.change($0, commune: token.commune) })
            guard let response = exchange(request) else {
                tally.gaveUp = true
                return
            }
            sent += count
            tally.acked = Int(response.acked)
            cursor = response.cursor
            if sent == changes && !response.more { return }
        }
    }

    /// One exchange, retried until it succeeds or fails `maxFailuresInARow` times in a row.
    private func exchange(_ request: SyncRequest) -> SyncResponse? {
        var failures = 0
        while failures < Self.maxFailuresInARow {
            let started = ContinuousClock.now
            do {
                let response = try transport.blockingExchange(request, token: token.text)
                guard response.acked == request.changes.last?.seq ?? response.acked else {
                    throw SyncError(.hubError, "acknowledged \(response.acked) of a batch ending at \(request.changes.last!.seq)")
                }
                tally.latenciesMs.append((ContinuousClock.now - started).seconds * 1000)
                tally.exchanges += 1
                return response
            } catch let error as SyncError where error.code == .slowDown {
                tally.slowDown += 1
                Thread.sleep(forTimeInterval: Double(error.retryAfter ?? 1))
            } catch {
                tally.errors += 1
                failures += 1
                FileHandle.standardError.write(Data("sync-bench: \(token.node): \(error)\n".utf8))
                Thread.sleep(forTimeInterval: 1)
            }
        }
        return nil
    }
}
