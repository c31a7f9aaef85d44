import Foundation

/// The hub's reading of a `POST /v1/sync` body, in one place so the server and the fuzzer
/// (Tests/Fuzz) go through the same steps: inflate within the limit, insist on UTF-8, decode.
public enum SyncRequestBody {
    /// Decodes a request body sent with `contentEncoding` (nil or `identity`: as is; `gzip`).
    /// Every failure is a 4xx `SyncError`, with nothing written anywhere.
    public static func decode(_ body: Data, contentEncoding: String?) throws -> SyncRequest {
        var body = body
        if let encoding = contentEncoding?.lowercased(), encoding != "identity" {
            guard encoding == "gzip" else { throw SyncError(.invalidInput, "unsupported Content-Encoding \(encoding)") }
            body = try Gzip.decompress(body, maxBytes: SyncProtocol.maxInflatedBodyBytes)
        }
        // JSON between systems is UTF-8 (RFC 8259), and agents send nothing else. Foundation's
        // decoder would also read UTF-16 and UTF-32, which give themselves away by NUL bytes
        // (never found in UTF-8 JSON, where control characters are escaped).
        guard !body.contains(0), String(validating: body, as: UTF8.self) != nil else {
            throw SyncError(.invalidInput, "the request body must be JSON in UTF-8")
        }
        return try WireCoding.decode(SyncRequest.self, from: body)
    }
}
