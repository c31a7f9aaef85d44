import Foundation
import SyncCore

/// The exchange without HTTP: calls a hub store directly, through the same async path as the
/// hub's request handler (`authenticate`, then `exchange`, whose merge commits in the grouped
/// `ExchangeQueue`). For property tests that run many replicas through thousands of syncs, and
/// to lose a reply after the hub has committed.
public final class InMemorySyncTransport: SyncTransport, @unchecked Sendable {
    private let hub: HubStore
    private let lock = NSLock()
    private var repliesToDrop = 0

    public init(hub: HubStore) {
        self.hub = hub
    }

    /// The next `count` exchanges are processed by the hub but their replies never arrive.
    public func dropReplies(_ count: Int) {
        lock.withLock { repliesToDrop = count }
    }

    public func exchange(_ request: SyncRequest, token: String) async throws -> SyncResponse {
        // Through the wire format, so what the tests exercise is what travels.
        let wireRequest = try WireCoding.decode(SyncRequest.self, from: try WireCoding.encode(request))
        let identity = try await hub.authenticate(token: token)
        let response = try await hub.exchange(wireRequest, from: identity).response
        let dropped = lock.withLock { () -> Bool in
            guard repliesToDrop > 0 else { return false }
            repliesToDrop -= 1
            return true
        }
        if dropped { throw SyncError(.hubUnreachable, "reply lost after the hub committed (in-memory)") }
        return try WireCoding.decode(SyncResponse.self, from: try WireCoding.encode(response))
    }
}
