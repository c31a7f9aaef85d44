import Foundation
import Hummingbird
import WebSupport

/// CSRF protection of the officer's screen: a token signed with the store's key (see
/// `SignedTokens`) in an HttpOnly, SameSite=Strict cookie, which every form repeats in a hidden
/// field. Also remembers who reports, per browser.
struct CSRF: Sendable {
    static let cookieName = "csrf"
    static let nameCookieName = "by"
    /// The store's `meta` key of the signing key.
    static let secretName = "agent.screen_secret"

    /// Reads the screen's forms, refusing one whose `csrf` field is not the browser's cookie.
    static let forms = FormDecoder(refusal: "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; hãy tải lại trang và thử lại.")

    let tokens: SignedTokens

    /// The posted form, if it repeats this browser's token and the token is one this screen made.
    func form(_ request: Request) async throws -> PostedForm {
        try await Self.forms.decode(request, csrf: token(in: request))
    }

    /// The browser's token if this screen made it: a forged or stale cookie counts as none.
    func token(in request: Request) -> String? {
        guard let token = request.cookies[Self.cookieName]?.value, tokens.isGenuine(token) else { return nil }
        return token
    }

    /// The browser's token, or a new one to set.
    func tokenOrNew(in request: Request) -> String {
        token(in: request) ?? tokens.make()
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
