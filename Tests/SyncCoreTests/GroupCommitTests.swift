import Foundation
import GRDB
import SyncCore
import Testing

@Suite("Group commit at the hub")
struct GroupCommitTests {
    /// Ten changes of a commune's progress, as its node would push them.
    static func changes(_ commune: String, firstSeq: Int64 = 1, percent: Int64 = 10, later: Int64 = 0) -> [PushedChange] {
        (0..<10).map { (index: Int) -> PushedChange in
            let task = index % 2 == 0 ? "4.1" : "4.3"
            let isPercent = index % 4 < 2
            let value: FieldValue = isPercent ? .int(percent) : .text("Lần \(index)")
            return PushedChange(seq: firstSeq + Int64(index), collection: "progress", record: "\(commune)/\(task)",
                                field: isPercent ? "percent" : "note", value: value,
                                hlc: HLC(wall: District.epoch - 1_000 + later + Int64(index)), actor: "Cán bộ \(commune)")
        }
    }

    @Test("exchanges arriving together share transactions, each answered with its own result")
    func concurrentExchangesShareCommits() async throws {
        let district = try await District()
        var identities: [NodeIdentity] = []
        for _ in 0..<120 {
            identities.append(try await district.hub.authenticate(token: try await district.hub.enroll(commune: "long-dong", name: nil, label: nil).token))
        }
        let hub = district.hub
        let results = try await withThrowingTaskGroup(of: (Int, ExchangeResult).self) { group in
            for (index, identity) in identities.enumerated() {
                group.addTask {
                    let request = SyncRequest(node: identity.node, commune: "long-dong", clock: District.epoch, cursor: 0,
                                              changes: Self.changes("long-dong", percent: Int64(index % 101)))
                    return (index, try await hub.exchange(request, from: identity))
                }
            }
            return try await group.reduce(into: [Int: ExchangeResult]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 120)
        #expect(results.values.allSatisfy { $0.response.acked == 10 && $0.applied + $0.lost == 10 })
        #expect(results.values.map(\.groupSize).max()! > 1, "120 simultaneous exchanges were committed one by one")
        let audit = try await district.hub.audit(AuditFilter(collection: "progress"))
        #expect(audit.count == 1_200)

        #expect(Set(audit.map { "\($0.node)#\($0.seq ?? 0)" }).count == 1_200)
    }

    @Test("a request refused as a whole inside a group is undone alone; the others commit")
    func refusalIsolated() async throws {
        let district = try await District()
        let restored = try await district.node("bac-quynh")
        let restoredIdentity = try await district.hub.authenticate(token: restored.token)
        var honest: [NodeIdentity] = []
        for _ in 0..<20 {
            honest.append(try await district.hub.authenticate(token: try await district.hub.enroll(commune: "long-dong", name: nil, label: nil).token))
        }
        _ = try await district.hub.exchange(SyncRequest(node: restoredIdentity.node, commune: "bac-quynh", clock: District.epoch,
                                                        cursor: 0, changes: Self.changes("bac-quynh")), from: restoredIdentity)
        // The same sequence numbers with other content (a store restored from a backup), then
        // new ones, racing honest nodes' exchanges.
        let reused = Self.changes("bac-quynh", percent: 77, later: 500) + Self.changes("bac-quynh", firstSeq: 11, percent: 78, later: 600)
        let outcomes = await exchangeTogether(district.hub, [
            (SyncRequest(node: restoredIdentity.node, commune: "bac-quynh", clock: District.epoch, cursor: 0, changes: reused),
             restoredIdentity),
        ] + honest.map { (SyncRequest(node: $0.node, commune: "long-dong", clock: District.epoch, cursor: 0,
                                      changes: Self.changes("long-dong")), $0) })
        #expect(outcomes.errors.map(\.code) == [.sequenceReused])
        #expect(outcomes.successes == 20)
        // Nothing of the refused request stayed, not even its new sequence numbers 11–20.
        #expect(try await district.hub.fields(of: .progress, record: "bac-quynh/4.1")["percent"] == .int(10))
        let nodes = try await district.hub.nodes()
        #expect(nodes.first { $0.node == restoredIdentity.node }?.lastSeq == 10)
        #expect(honest.allSatisfy { identity in nodes.first { $0.node == identity.node }?.lastSeq == 10 })
    }

    @Test("a token revoked while its exchange waited for the writer merges nothing")
    func revokedWhileQueued() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        // Authenticated, then revoked before the exchange reaches the writer.
        let identity = try await district.hub.authenticate(token: node.token)
        try await district.hub.revoke(node: identity.node)
        let result = await outcome {
            try await district.hub.exchange(SyncRequest(node: identity.node, commune: "long-dong", clock: District.epoch, cursor: 0,
                                                        changes: Self.changes("long-dong")), from: identity)
        }
        guard case .failure(let error as SyncError) = result else {
            Issue.record("a revoked node's exchange merged")
            return
        }
        #expect(error.code == .unauthorized)
        #expect(try await district.hub.fields(of: .progress, record: "long-dong/4.1").isEmpty)
        #expect(try await district.hub.audit().allSatisfy { $0.node == districtNodeID })
    }

    @Test("a database error in one exchange of a group fails that exchange only")
    func storageErrorIsolated() async throws {
        let district = try await District()
        let failing = try await district.hub.authenticate(token: try await district.node("bac-quynh").token)
        var honest: [NodeIdentity] = []
        for _ in 0..<20 {
            honest.append(try await district.hub.authenticate(token: try await district.hub.enroll(commune: "long-dong", name: nil, label: nil).token))
        }
        // SQLite refuses every audit row of one node: its merge fails inside its savepoint.
        try await DatabaseQueue(path: district.scratch.path("hub.sqlite")).write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse_one_node BEFORE INSERT ON audit WHEN NEW.node = '\(failing.node)'
                BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                """)
        }
        let outcomes = await exchangeTogether(district.hub, ([failing] + honest).map {
            (SyncRequest(node: $0.node, commune: $0.commune, clock: District.epoch, cursor: 0, changes: Self.changes($0.commune)), $0)
        })
        #expect(outcomes.errors.map(\.code) == [.storage])
        #expect(outcomes.successes == 20)
        #expect(try await district.hub.fields(of: .progress, record: "bac-quynh/4.1").isEmpty)
        #expect(try await district.hub.nodes().first { $0.node == failing.node }?.lastSeq == 0)
    }
}

/// Runs the exchanges at once, as nodes reconnecting together would: the errors they met and
/// how many succeeded.
private func exchangeTogether(_ hub: HubStore, _ exchanges: [(SyncRequest, NodeIdentity)]) async
    -> (errors: [SyncError], successes: Int)
{
    await withTaskGroup(of: Result<ExchangeResult, any Error>.self) { group in
        for (request, identity) in exchanges {
            group.addTask { await outcome { try await hub.exchange(request, from: identity) } }
        }
        return await group.reduce(into: (errors: [SyncError](), successes: 0)) { tally, result in
            switch result {
            case .success: tally.successes += 1
            case .failure(let error as SyncError): tally.errors.append(error)
            case .failure: break
            }
        }
    }
}

/// What an async call returned or threw.
private func outcome(_ body: () async throws -> ExchangeResult) async -> Result<ExchangeResult, any Error> {
    do {
        return .success(try await body())
    } catch {
        return .failure(error)
    }
}
