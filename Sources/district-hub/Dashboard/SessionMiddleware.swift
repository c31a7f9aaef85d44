import Foundation
import Hummingbird
import SyncCore
import WebSupport

/// The dashboard's sign-in: a page without a live session redirects to `/login`; a form
/// whose `csrf` field is not the session's is refused; admin-only routes refuse viewers.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    static let cookieName = "hub_session"
    let store: HubStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.cookies[Self.cookieName]?.value, let session = try await store.session(token: token) else {
            return WebSupport.redirect(to: "/login")
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

/// A signed-in form: decoded, its CSRF token checked against the session's.
struct DashboardForm {
    let values: [String: String]

    init(_ request: Request, session: DashboardSession?) async throws {
        values = try await WebSupport.decodeForm(request)
        guard let session, let given = values["csrf"], WebSupport.constantTimeEqual(given, session.csrf) else {
            throw HTTPError(.forbidden, message: "Biểu mẫu không hợp lệ hoặc phiên đã hết hạn; hãy tải lại trang.")
        }
    }

    subscript(name: String) -> String? { values[name] }
}
