import Hummingbird

extension HTML: ResponseGenerator {
    /// A page as a 200 answer; `EditedResponse` gives it another status or a cookie. The security
    /// headers are not set here but by `ContentSecurityMiddleware.screens`, on every route of both
    /// screens, so no answer can leave without them.
    public func response(from request: Request, context: some RequestContext) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: markup)))
    }
}
