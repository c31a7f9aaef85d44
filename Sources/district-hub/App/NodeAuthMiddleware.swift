import Hummingbird
import SyncCore

/// Identifies the node behind a bearer token and puts it in the request context; a missing,
/// unknown or revoked token is answered 401 before any route runs.
struct NodeAuthMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let store: HubStore
    let metrics: HubMetrics
    let throttle: AuthThrottle

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let wait = throttle.retryAfter(for: context.remoteAddress) {
            metrics.request(outcome: SyncError.Code.slowDown.rawValue)
            throw SyncError(.slowDown, "too many failed authentications from this address; try again later", retryAfter: wait)
        }
        do {
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
                throw SyncError(.unauthorized, "a node token is required (Authorization: Bearer …)")
            }
            context.identity = try await store.authenticate(token: String(header.dropFirst("Bearer ".count)))
        } catch let error as SyncError {
            metrics.request(outcome: error.code.rawValue)
            if error.code == .unauthorized {
                throttle.recordFailure(from: context.remoteAddress)
                context.logger.warning("auth.failed", metadata: ["peer": "\(context.remoteAddress)"])
            }
            throw error
        }
        context.logger[metadataKey: "node.id"] = "\(context.identity!.node)"
        return try await next(request, context)
    }
}
