import Hummingbird
import SyncCore

/// Identifies the node behind a bearer token and puts it in the request context; a missing,
/// unknown or revoked token is answered 401 before any route runs, or 429 once its address or
/// the node it claims has failed too often (`AuthThrottle`). A valid token is always served.
struct NodeAuthMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let store: HubStore
    let metrics: HubMetrics
    let throttle: AuthThrottle

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let token = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst("Bearer ".count)) : nil }
        // The node a token names (`<node>.<commune>.<secret>`), whether or not the token is valid.
        let claimed = "node:" + (token?.prefix { $0 != "." }.prefix(64) ?? "")
        let address = "address:" + context.remoteAddress
        do {
            guard let token else { throw SyncError(.unauthorized, "a node token is required (Authorization: Bearer …)") }
            context.identity = try await store.authenticate(token: token)
        } catch let error as SyncError {
            if error.code == .unauthorized {
                if let wait = throttle.retryAfter(for: address, claimed) {
                    metrics.request(outcome: SyncError.Code.slowDown.rawValue)
                    metrics.authThrottled(kind: "node")
                    throw SyncError(.slowDown, "too many failed authentications from this address or for this node; try again later",
                                    retryAfter: wait)
                }
                throttle.recordFailure(from: address, claimed)
                metrics.authFailed(kind: "node")
                context.logger.warning("auth.failed", metadata: ["peer": "\(context.remoteAddress)"])
            }
            metrics.request(outcome: error.code.rawValue)
            throw error
        }
        context.logger[metadataKey: "node.id"] = "\(context.identity!.node)"
        return try await next(request, context)
    }
}
