import Foundation
import Hummingbird
import SyncCore

/// How both screens and the hub's API hand out an evidence file: streamed from disk, with
/// headers that keep a browser from running anything in it. Images and PDFs open in the
/// browser when `inline` is asked for; everything else downloads.
public enum EvidenceDownload {
    public static func response(path: String, type: EvidenceType, name: String, inline: Bool,
                                context: some RequestContext) async throws -> Response {
        let body = try await FileIO().loadFile(path: path, context: context)
        let disposition = inline && type.opensInline ? "inline" : "attachment"
        return Response(status: .ok, headers: [
            .contentType: type.rawValue,
            .contentDisposition: "\(disposition); filename=\"\(asciiFallback(name))\"; filename*=UTF-8''\(percentEncoded(name))",
            .xContentTypeOptions: "nosniff",
            .contentSecurityPolicy: "sandbox; default-src 'none'; img-src 'self'",
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
}
