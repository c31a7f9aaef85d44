/// How the agent reaches the hub: one exchange per call. The real one is libcurl over HTTP(S)
/// (`CurlSyncTransport`); tests also drive the hub's store in memory through this protocol.
public protocol SyncTransport: Sendable {
    /// Sends `request` with the node's bearer token and returns the hub's answer, or throws a
    /// `SyncError` (`hubUnreachable` for network failures, the hub's code otherwise). Async
    /// so a transfer that takes minutes on a rural link holds no thread of the cooperative pool.
    func exchange(_ request: SyncRequest, token: String) async throws -> SyncResponse
}
