import HTTPTypes
import Hummingbird

/// Headers every answer of a screen carries besides the content security policy: no
/// `Referer` leaves for another site (a filter's query holds commune codes and names), and,
/// served over TLS, browsers are told to come back only over HTTPS (HSTS).
public struct ScreenHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let overTLS: Bool

    public init(overTLS: Bool) {
        self.overTLS = overTLS
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if overTLS { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}

/// What a signed-in page or an export holds is the district's: no browser or proxy cache
/// keeps a copy (`Cache-Control: no-store`), so it is not there after signing out.
public struct PrivatePagesMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
