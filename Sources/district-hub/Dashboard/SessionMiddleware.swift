import Foundation
import Hummingbird
import SyncCore

/// The dashboard's sign-in: a page without a live session redirects to `/login`; a form
/// whose `csrf` field is not the session's is refused; admin-only routes refuse viewers.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    static let cookieName = "hub_session"
    let store: Store

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.cookies[Self.cookieName]?.value, let session = try await store.session(token: token) else {
            return redirect(to: "/login")
        }
        var context = context
        context.session = session
        context.logger[metadataKey: "user"] = "\(session.user)"
        return try await next(request, context)
    }

    static func cookie(_ token: String) -> Cookie {
        Cookie(name: cookieName, value: token, maxAge: Int(Store.sessionLifetimeMs / 1000), path: "/", httpOnly: true, sameSite: .lax)
    }
}

/// A signed-in form: decoded, its CSRF token checked against the session's.
struct DashboardForm {
    let values: [String: String]

    init(_ request: Request, session: DashboardSession?) async throws {
        values = try await decodeForm(request)
        guard let session, let given = values["csrf"], constantTimeEqual(given, session.csrf) else {
            throw HTTPError(.forbidden, message: "Biểu mẫu không hợp lệ hoặc phiên đã hết hạn; hãy tải lại trang.")
        }
    }

    subscript(name: String) -> String? { values[name] }
}

/// Decodes an `application/x-www-form-urlencoded` body (at most 64 KiB); values are NFC.
func decodeForm(_ request: Request) async throws -> [String: String] {
    var request = request
    let buffer: ByteBuffer
    do {
        buffer = try await request.collectBody(upTo: 64 << 10)
    } catch {
        throw HTTPError(.contentTooLarge, message: "Biểu mẫu quá lớn.")
    }
    var components = URLComponents()
    components.percentEncodedQuery = String(buffer: buffer).replacingOccurrences(of: "+", with: "%20")
    var values: [String: String] = [:]
    for item in components.queryItems ?? [] {
        values[item.name] = (item.value ?? "").nfc
    }
    return values
}

func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
    let left = Array(lhs.utf8), right = Array(rhs.utf8)
    guard left.count == right.count else { return false }
    return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}

/// 303 See Other: after a POST, or to the sign-in page.
func redirect(to location: String) -> Response {
    Response(status: .seeOther, headers: [.location: location])
}
