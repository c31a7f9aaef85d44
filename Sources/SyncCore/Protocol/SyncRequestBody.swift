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
        guard body.withUnsafeBytes(isUTF8WithoutNUL) else {
            throw SyncError(.invalidInput, "the request body must be JSON in UTF-8")
        }
        return try WireCoding.decode(SyncRequest.self, from: body)
    }

    /// One pass over the bytes in place: a body is up to 16 MB, and iterating `Data` byte by
    /// byte or copying it into a `String` to validate it cost more than the check is worth.
    static func isUTF8WithoutNUL(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): if scalar.count == 1 && scalar.first == 0 { return false }
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
