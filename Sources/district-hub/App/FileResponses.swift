import Foundation
import Hummingbird
import SyncCore

/// How the hub hands out an evidence file, to a node or to district staff: streamed from disk,
/// with headers that keep a browser from running anything in it.
enum FileResponses {
    static func file(_ stored: StoredFile, name: String, at path: String, inline: Bool, context: some RequestContext) async throws -> Response {
        let body = try await FileIO().loadFile(path: path, context: context)
        let disposition = inline && stored.type.opensInline ? "inline" : "attachment"
        return Response(status: .ok, headers: [
            .contentType: stored.type.rawValue,
            .contentLength: String(stored.size),
            .contentDisposition: "\(disposition); filename=\"\(asciiFallback(name))\"; filename*=UTF-8''\(percentEncoded(name))",
            .init("X-Content-Type-Options")!: "nosniff",
            .contentSecurityPolicy: "sandbox; default-src 'none'; img-src 'self'; plugin-types application/pdf",
            .cacheControl: "private, no-store",
        ], body: body)
    }

    /// The name for old browsers: ASCII only, without quotes or backslashes.
    static func asciiFallback(_ name: String) -> String {
        String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
    }

    /// RFC 5987: UTF-8, percent-encoded, for `filename*`.
    static func percentEncoded(_ name: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "file"
    }

    /// A failed write to the hub's disk as a `storage` error; a full disk is named so.
    static func diskError(_ error: any Error) -> SyncError {
        if let error = error as? SyncError { return error }
        // ENOSPC, or EFBIG past a file size limit (a quota): to the operator, the disk is full.
        let text = "\(error)"
        let full = ["No space left", "ENOSPC", "File too large", "EFBIG"].contains { text.contains($0) }
        return SyncError(.storage, full ? "the hub's disk is full; what was received is kept, resume when space returns"
                                        : "cannot write the upload: \(error)")
    }
}
