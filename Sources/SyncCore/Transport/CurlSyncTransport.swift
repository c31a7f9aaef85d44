import Foundation

/// The sync exchange over HTTP(S) with libcurl: gzip'd JSON up, JSON (gzip'd by the hub) down.
public struct CurlSyncTransport: SyncTransport {
    public var hubURL: String
    public var client: CurlHTTPClient

    public init(hubURL: String, client: CurlHTTPClient = CurlHTTPClient()) {
        self.hubURL = hubURL
        self.client = client
    }

    /// The exchange on a thread of its own: libcurl's easy interface blocks for the whole transfer.
    public func exchange(_ request: SyncRequest, token: String) async throws -> SyncResponse {
        try await runBlocking { try blockingExchange(request, token: token) }
    }

    /// The exchange on the caller's thread, for callers that run their own threads (sync-bench's
    /// simulated nodes, a thousand at once, each on one).
    public func blockingExchange(_ request: SyncRequest, token: String) throws -> SyncResponse {
        let body = try Gzip.compress(try WireCoding.encode(request))
        let url = hubURL.hasSuffix("/") ? String(hubURL.dropLast()) + SyncProtocol.path : hubURL + SyncProtocol.path
        let reply = try client.post(url: url, body: body, headers: [
            "Content-Type: application/json",
            "Content-Encoding: gzip",
            "Authorization: Bearer \(token)",
            "Expect:",  // no 100-continue round trip on slow links
        ])
        guard reply.status == 200 else { throw Self.failure(reply) }
        do {
            return try WireCoding.decode(SyncResponse.self, from: reply.body)
        } catch {
            throw SyncError(.hubError, "the hub's answer is not a valid sync response")
        }
    }

    /// The hub's refusal in `reply`, with its code; an answer without the hub's JSON error body
    /// is read by its status.
    static func failure(_ reply: CurlHTTPClient.Reply) -> SyncError {
        if let failure = try? JSONDecoder().decode(ErrorBody.self, from: reply.body) {
            // A 500 is the hub's own trouble whatever its code: its `storage` is not this PC's disk.
            guard reply.status != 500 else {
                return SyncError(.hubError, "the hub failed: \(failure.error.code): \(failure.error.message)", retryAfter: reply.retryAfter)
            }
            return SyncError(SyncError.Code(rawValue: failure.error.code), failure.error.message, retryAfter: reply.retryAfter)
        }
        return SyncError(code(ofStatus: reply.status), "the hub answered HTTP \(reply.status)", retryAfter: reply.retryAfter)
    }

    /// What an answer without the hub's JSON error means: a proxy or gateway in front of the
    /// hub (nginx's HTML 413, a plain-text 429) is read by its status, so the agent still
    /// splits its batch on 413 and waits on 429 and 503.
    static func code(ofStatus status: Int) -> SyncError.Code {
        switch status {
        case 413: return .tooLarge
        case 429: return .slowDown
        case 503: return .draining
        default: return .hubError
        }
    }
}
