import Foundation
import Hummingbird
import SyncCore

/// The dashboard's sign-in: a page without a live session redirects to `/login`. The session it
/// finds reaches the pages as `DashboardContext.session`; `AdminContext` refuses viewers.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    static let cookieName = "hub_session"
    let store: HubStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.cookies[Self.cookieName]?.value, let session = try await store.session(token: token) else {
            return Response.redirect(to: "/login")
        }
        var context = context
        context.session = session
        context.logger[metadataKey: "user"] = "\(session.user)"
        return try await next(request, context)
    }

    /// The session cookie; `secure` (when the hub serves HTTPS) keeps browsers from ever sending
    /// it over plain HTTP.
    static func cookie(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: token, maxAge: Int(HubStore.sessionLifetimeMs / 1000), path: "/", secure: secure,
               httpOnly: true, sameSite: .lax)
    }
}
