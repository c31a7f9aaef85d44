import Hummingbird

/// A stylesheet compiled into the binary: the commune's PC and the district's LAN may have no
/// internet, so nothing is loaded from elsewhere.
public struct Stylesheet: ResponseGenerator, Sendable {
    public let css: String

    public init(_ css: String) {
        self.css = css
    }

    /// Cached for an hour: every page links it, and it only changes with the program.
    public func response(from request: Request, context: some RequestContext) -> Response {
        Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(string: css)))
    }
}
