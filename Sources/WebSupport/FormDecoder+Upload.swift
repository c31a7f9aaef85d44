import Foundation
import Hummingbird
import MultipartKit
import SyncCore
import _NIOFileSystem

/// A file posted with a `multipart/form-data` form, written to disk as it arrived.
public struct UploadedFile: Sendable {
    /// Where the bytes are: the caller moves or removes the file.
    public let path: String
    /// The name the browser gave, as sent (sanitise before showing or storing it).
    public let filename: String
    public let size: Int64
}

extension FormDecoder {
    /// A `multipart/form-data` form with one file field: the text fields checked like any form
    /// (the CSRF token, NFC, at most `maxFormBytes` of them) and the file streamed to a new
    /// file in `directory`, never held in memory. A file over `maxFileBytes` is refused with
    /// `tooLarge`, and nothing of a refused form is left on disk.
    public func decodeUpload(_ request: Request, csrf expected: String?, fileField: String, directory: String,
                             maxFileBytes: Int64, tooLarge: String) async throws -> (form: PostedForm, file: UploadedFile?) {
        guard let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundary = Self.boundary(contentType)
        else { throw HTTPError(.badRequest, message: refusal) }
        let path = "\(directory)/\(UUID().uuidString)"
        var kept = false
        defer { if !kept { try? FileManager.default.removeItem(atPath: path) } }
        try await FileSystem.shared.createDirectory(at: FilePath(directory), withIntermediateDirectories: true)
        let parts = PartCollector(fileField: fileField)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in parts.header(name, value) }
        parser.onBody = { body in parts.body(&body) }
        parser.onPartComplete = { parts.complete() }
        let size = try await FileSystem.shared.withFileHandle(forWritingAt: FilePath(path), options: .newFile(replaceExisting: false)) { handle in
            var written: Int64 = 0
            for try await buffer in request.body {
                do {
                    try parser.execute(buffer)
                } catch {
                    throw HTTPError(.badRequest, message: refusal)
                }
                guard parts.textBytes <= Self.maxFormBytes else { throw HTTPError(.contentTooLarge, message: "Biểu mẫu quá lớn.") }
                for chunk in parts.takeFileBytes() {
                    guard written + Int64(chunk.readableBytes) <= maxFileBytes else { throw HTTPError(.contentTooLarge, message: tooLarge) }
                    try await handle.write(contentsOf: chunk, toAbsoluteOffset: written)
                    written += Int64(chunk.readableBytes)
                }
            }
            return written
        }
        let form = PostedForm(values: parts.fields.mapValues(\.nfc))
        guard let expected, let given = form["csrf"], Self.constantTimeEqual(given, expected) else {
            throw CSRFRefusal(form: form, message: refusal)
        }
        guard let filename = parts.filename, size > 0 else { return (form, nil) }
        kept = true
        return (form, UploadedFile(path: path, filename: filename, size: size))
    }

    /// The `boundary` parameter of a multipart content type.
    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty || value.count > 200 ? nil : value
            }
        }
        return nil
    }
}

/// What the parser's callbacks gather from one request: text fields whole, the file's bytes
/// handed over after each buffer is parsed. Used from one task only.
private final class PartCollector: @unchecked Sendable {
    let fileField: String
    var fields: [String: String] = [:]
    var filename: String?
    var textBytes = 0
    private var name: String?
    private var isFile = false
    private var text: [UInt8] = []
    private var fileBytes: [ByteBuffer] = []

    init(fileField: String) {
        self.fileField = fileField
    }

    func header(_ name: String, _ value: String) {
        guard name.lowercased() == "content-disposition" else { return }
        let parameters = Self.parameters(value)
        self.name = parameters["name"]
        isFile = self.name == fileField && filename == nil
        if isFile { filename = parameters["filename"] }
    }

    func body(_ body: inout ByteBuffer) {
        if isFile {
            fileBytes.append(body)
        } else {
            textBytes += body.readableBytes
            if textBytes <= FormDecoder.maxFormBytes { text += body.readableBytesView }
        }
    }

    func complete() {
        if !isFile, let name { fields[name] = String(decoding: text, as: UTF8.self) }
        name = nil
        isFile = false
        text = []
    }

    func takeFileBytes() -> [ByteBuffer] {
        defer { fileBytes = [] }
        return fileBytes
    }

    /// `form-data; name="file"; filename="Quyết định.pdf"` → its parameters.
    static func parameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in value.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            var text = pair[1]
            if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
            result[pair[0].lowercased()] = text.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return result
    }
}
