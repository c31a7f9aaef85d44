import Foundation
import Hummingbird
import SyncCore

/// What the officer's screen and the district dashboard share: form decoding, CSRF token
/// comparison, redirects and HTML answers with the same security headers.
public enum WebSupport {
    /// Forms are small; anything larger is refused before it is read.
    public static let maxFormBytes = 64 << 10

    /// Decodes an `application/x-www-form-urlencoded` body; values are NFC.
    public static func decodeForm(_ request: Request) async throws -> [String: String] {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxFormBytes)
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

    /// Compares tokens in time that does not depend on where they differ.
    public static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8), right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// 303 See Other: after a POST the browser loads the next page with GET.
    public static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// An HTML page that loads nothing from elsewhere and cannot be framed.
    public static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8",
            .init("Content-Security-Policy")!: "default-src 'self'; form-action 'self'; frame-ancestors 'none'",
            .init("X-Content-Type-Options")!: "nosniff",
        ], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A stylesheet compiled into the binary.
    public static func css(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
