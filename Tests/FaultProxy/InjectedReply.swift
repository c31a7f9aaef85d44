/// The answers the proxy gives in the hub's place. They look like what a front proxy or a
/// crashing gateway really sends (HTML or plain text, not the hub's JSON errors), so the agent
/// must act on the HTTP status alone.
enum InjectedReply: String, CaseIterable, Sendable {
    case tooLarge = "413"
    case slowDown = "429"
    case serverError = "500"
    case unavailable = "503"
    case badJSON = "badjson"

    /// Whether the proxy may also answer this after the hub committed, instead of its real
    /// reply (a gateway failing on the way back, a corrupted reply), and not only before the
    /// hub sees the request (a front proxy refusing it). 413, 429 and 503 are refusals.
    var mayFollowHub: Bool {
        self == .serverError || self == .badJSON
    }

    /// The whole HTTP response; `variant` picks among the invalid bodies.
    func bytes(retryAfter: Int, variant: UInt64) -> [UInt8] {
        let status: String
        var headers: [String] = []
        let contentType: String
        let body: String
        switch self {
        case .tooLarge:
            status = "413 Request Entity Too Large"
            contentType = "text/html"
            body = "<html><head><title>413 Request Entity Too Large</title></head><body><h1>413 Request Entity Too Large</h1></body></html>\n"
        case .slowDown:
            status = "429 Too Many Requests"
            headers.append("Retry-After: \(retryAfter)")
            contentType = "text/plain"
            body = "Too Many Requests\n"
        case .serverError:
            status = "500 Internal Server Error"
            contentType = "text/html"
            body = "<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>\n"
        case .unavailable:
            status = "503 Service Unavailable"
            headers.append("Retry-After: \(retryAfter)")
            contentType = "text/html"
            body = "<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>\n"
        case .badJSON:
            status = "200 OK"
            contentType = "application/json"
            // A reply cut short by a broken middlebox, or a captive portal's page.
            body = variant % 2 == 0
                ? #"{"protocol":1,"commune":"long-dong","clock":1700000000000,"acked":"#
                : "<html><body>Vui lòng đăng nhập Wi-Fi để tiếp tục</body></html>\n"
        }
        let bodyBytes = Array(body.utf8)
        let head = (["HTTP/1.1 \(status)", "Content-Type: \(contentType)", "Content-Length: \(bodyBytes.count)", "Connection: close"]
            + headers).joined(separator: "\r\n") + "\r\n\r\n"
        return Array(head.utf8) + bodyBytes
    }
}
