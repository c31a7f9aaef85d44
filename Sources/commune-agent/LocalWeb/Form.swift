import Foundation
import Hummingbird
import SyncCore
import WebSupport

/// A posted form of the officer's screen.
struct Form {
    let values: [String: String]

    init(_ request: Request) async throws {
        values = try await WebSupport.decodeForm(request)
    }

    subscript(name: String) -> String? { values[name] }

    /// Refuses a form whose `csrf` field does not match the browser's CSRF cookie.
    func checkCSRF(_ request: Request) throws {
        guard let expected = CSRF.token(in: request), let given = values["csrf"],
            WebSupport.constantTimeEqual(given, expected)
        else {
            throw HTTPError(.forbidden, message: "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; hãy tải lại trang và thử lại.")
        }
    }
}

/// Double-submit CSRF protection: a random token in an HttpOnly, SameSite=Strict cookie that
/// every form repeats in a hidden field. Also remembers who reports, per browser.
enum CSRF {
    static let cookieName = "csrf"
    static let nameCookieName = "by"

    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    static func token(in request: Request) -> String? {
        request.cookies[cookieName]?.value
    }

    static func cookie(_ token: String) -> Cookie {
        Cookie(name: cookieName, value: token, path: "/", httpOnly: true, sameSite: .strict)
    }

    /// The reporter's name, percent-encoded: cookie values must be ASCII.
    static func nameCookie(_ name: String) -> Cookie {
        Cookie(name: nameCookieName, value: name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "",
               maxAge: 365 * 86_400, path: "/", httpOnly: true, sameSite: .strict)
    }

    static func rememberedName(in request: Request) -> String? {
        request.cookies[nameCookieName]?.value.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 }
    }
}
