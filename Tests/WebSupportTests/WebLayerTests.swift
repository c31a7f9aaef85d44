import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WebSupport

/// The response side and the form side of the web layer, through a real Hummingbird router.
@Suite("Web layer")
struct WebLayerTests {
    static let policy = "default-src 'self'; form-action 'self'; frame-ancestors 'none'"

    /// A page, a page with another status, a stylesheet, a redirect and a form that echoes its
    /// `name` field when its token matches the `csrf` cookie.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ContentSecurityMiddleware<BasicRequestContext>.screens)
        router.get("/page") { _, _ in "<p>\("a < b")</p>" as HTML }
        router.get("/missing") { _, _ in EditedResponse(status: .notFound, response: "<p>Không có</p>" as HTML) }
        router.get("/style.css") { _, _ in Stylesheet("p { color: red; }") }
        router.get("/away") { _, _ in Response.redirect(to: "/page") }
        router.post("/form") { request, _ -> String in
            let form = try await FormDecoder(refusal: "Biểu mẫu không hợp lệ.").decode(request, csrf: request.cookies["csrf"]?.value)
            return form["name"] ?? ""
        }
        return router
    }

    @Test("every HTML answer carries the security headers, whatever its status")
    func securityHeaders() async throws {
        try await Application(router: router()).test(.router) { client in
            for (uri, status) in [("/page", HTTPResponse.Status.ok), ("/missing", .notFound)] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == status)
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(response.headers[.contentSecurityPolicy] == Self.policy, "\(uri)")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
                }
            }
            try await client.execute(uri: "/page", method: .get) { response in
                #expect(String(buffer: response.body) == "<p>a &lt; b</p>")
            }
            try await client.execute(uri: "/style.css", method: .get) { response in
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
            try await client.execute(uri: "/away", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/page")
            }
        }
    }

    func post(_ client: some TestClientProtocol, body: String, cookie: String?) async throws -> (HTTPResponse.Status, String) {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = "csrf=\(cookie)" }
        return try await client.execute(uri: "/form", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            (response.status, String(buffer: response.body))
        }
    }

    @Test("the form decoder refuses a missing or wrong CSRF token, and a form with no token to match")
    func csrf() async throws {
        try await Application(router: router()).test(.router) { client in
            #expect(try await post(client, body: "name=An", cookie: "t0k3n").0 == .forbidden)
            #expect(try await post(client, body: "name=An&csrf=", cookie: "t0k3n").0 == .forbidden)
            #expect(try await post(client, body: "name=An&csrf=t0k3m", cookie: "t0k3n").0 == .forbidden)
            #expect(try await post(client, body: "name=An&csrf=t0k3n", cookie: nil).0 == .forbidden)
            let refused = try await post(client, body: "name=An&csrf=x", cookie: "t0k3n")
            #expect(refused.1.contains("Biểu mẫu không hợp lệ."))
            let accepted = try await post(client, body: "name=An&csrf=t0k3n", cookie: "t0k3n")
            #expect(accepted.0 == .ok && accepted.1 == "An")
        }
    }

    @Test("form values are percent-decoded and NFC; an oversized or malformed form is refused")
    func decoding() async throws {
        try await Application(router: router()).test(.router) { client in
            let decomposed = "Nguyễn Văn An".decomposedStringWithCanonicalMapping
            var allowed = CharacterSet.alphanumerics
            allowed.remove(charactersIn: "\u{80}"..."\u{10FFFF}")
            let encoded = decomposed.addingPercentEncoding(withAllowedCharacters: allowed)!
            let (status, name) = try await post(client, body: "csrf=t&name=\(encoded)", cookie: "t")
            #expect(status == .ok)
            // Swift's `==` ignores normalisation; the scalars do not.
            #expect(Array(name.unicodeScalars) == Array("Nguyễn Văn An".precomposedStringWithCanonicalMapping.unicodeScalars))
            #expect(try await post(client, body: "csrf=t&name=a+b%26c", cookie: "t").1 == "a b&c")
            let big = "csrf=t&name=" + String(repeating: "x", count: FormDecoder.maxFormBytes)
            #expect(try await post(client, body: big, cookie: "t").0 == .contentTooLarge)
            #expect(try await post(client, body: "csrf=t&name=%zz", cookie: "t").0 == .badRequest)
        }
    }
}
