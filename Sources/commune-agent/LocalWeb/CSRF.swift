import Foundation
import Hummingbird
import WebSupport

/// Double-submit CSRF protection: a random token in an HttpOnly, SameSite=Strict cookie that
/// every form repeats in a hidden field. Also remembers who reports, per browser.
enum CSRF {
    static let cookieName = "csrf"
    static let nameCookieName = "by"

    /// Reads the screen's forms, refusing one whose `csrf` field is not the browser's cookie.
    static let forms = FormDecoder(refusal: "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; hãy tải lại trang và thử lại.")

    /// The posted form, if it repeats this browser's token.
    static func form(_ request: Request) async throws -> PostedForm {
        try await forms.decode(request, csrf: token(in: request))
    }

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
