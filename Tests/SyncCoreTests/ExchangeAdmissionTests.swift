import Foundation
import Synchronization
import Testing

@testable import SyncCore

/// Issue 17: when more changes wait for the hub's writer than a few seconds of merging, an
/// exchange bringing more is refused at once (429, `Retry-After`) instead of queued behind
/// them past the agents' stall limit; nothing of it is kept, and it goes through when retried.
@Suite("Exchange admission")
struct ExchangeAdmissionTests {
    @Test("with the writer busy and the queue full, one exchange of three is told to come back; retried, every change lands once")
    func fullQueueSaysComeBack() async throws {
        let scratch = Scratch()
        let store = try HubStore(path: scratch.path("hub.sqlite"))
        store.exchangeQueue.maxQueuedChanges = 150
        var requests: [(SyncRequest, NodeIdentity)] = []
        for commune in ["xa-a", "xa-b", "xa-c"] {
            let enrollment = try await store.enroll(commune: commune, name: nil, label: nil)
            let identity = try await store.authenticate(token: enrollment.token)
            requests.append((SyncRequest(node: identity.node, commune: commune, clock: 0, cursor: 0, changes: (1...100).map { seq in
                PushedChange(seq: Int64(seq), collection: "equipment", record: "\(commune)/computer", field: "total", value: .int(Int64(seq)),
                             hlc: HLC(wall: 1_000 + Int64(seq)), actor: "Cán bộ")
            }), identity))
        }
        // The writer held by someone else, as while a big group commits.
        let held = Mutex(false), release = DispatchSemaphore(value: 0)
        let holder = Task { try await store.write { _ in held.withLock { $0 = true }; release.wait() } }
        while !held.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }

        var exchanges: [Task<ExchangeResult, any Error>] = []
        for (request, identity) in requests {
            exchanges.append(Task { try await store.exchange(request, from: identity) })
            try await Task.sleep(for: .milliseconds(30))
        }
        release.signal()
        try await holder.value
        var refused: [Int] = []
        for (index, exchange) in exchanges.enumerated() {
            do {
                #expect(try await exchange.value.response.acked == 100)
            } catch let error as SyncError {
                #expect(error.code == .slowDown && (error.retryAfter ?? 0) >= 1, "\(error)")
                refused.append(index)
            }
        }
        #expect(refused.count == 1)
        for index in refused {
            let (request, identity) = requests[index]
            #expect(try await store.exchange(request, from: identity).response.acked == 100)
        }
        let audit = try await store.audit(AuditFilter())
        #expect(audit.filter { $0.seq != nil }.count == 300)
        #expect(Set(audit.compactMap { entry in entry.seq.map { "\(entry.node)/\($0)" } }).count == 300)
        #expect(!audit.contains { $0.outcome == .duplicate })
    }
}
