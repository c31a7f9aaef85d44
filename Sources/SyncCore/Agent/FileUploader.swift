import Foundation
import Logging

/// Sends attached files to the hub after the change log, by tus 1.0 through libcurl: records
/// are never held up by bytes. Each file is named by its SHA-256, so after a cut, a restart or
/// on another PC of the commune the upload resumes where the hub's copy ends (`HEAD`), or is
/// skipped when the hub has the file already. Chunks are small (256 kB by default) so a cut on
/// a rural line costs at most one chunk.
public struct FileUploader: Sendable {
    public static let defaultChunkBytes = 256 * 1024

    let store: AgentStore
    let files: FileStore
    let transport: CurlSyncTransport
    let chunkBytes: Int
    let logger: Logger

    public init(store: AgentStore, transport: CurlSyncTransport, chunkBytes: Int = defaultChunkBytes, logger: Logger) {
        self.store = store
        files = FileStore(beside: store.path)
        self.transport = transport
        self.chunkBytes = chunkBytes
        self.logger = logger
    }

    private var filesURL: String {
        (transport.hubURL.hasSuffix("/") ? String(transport.hubURL.dropLast()) : transport.hubURL) + "/v1/files"
    }

    /// What one round of uploads did.
    public struct Summary: Sendable {
        public var uploaded = 0
        /// Files the hub will not take, with its reason: marked refused, never sent again.
        public var refused: [(name: String, reason: String)] = []
    }

    /// Uploads every file whose record the hub holds. A file the hub refuses for good (too
    /// large, over the commune's quota, not an accepted type) is set aside so it never holds
    /// up the others; a network failure stops the round, to be resumed at the next sync.
    @discardableResult
    public func uploadPending(token: String) async throws -> Summary {
        var summary = Summary()
        for upload in try await store.pendingUploads() {
            do {
                try await self.upload(upload, token: token)
                summary.uploaded += 1
            } catch let error as SyncError where [.tooLarge, .fileType, .notFound].contains(error.code) {
                let reason = Self.refusal(error)
                try await store.refuseUpload(upload.sha256, reason: reason)
                let name = try await store.attachments().first { $0.file.sha256 == upload.sha256 }?.file.name ?? upload.sha256
                summary.refused.append((name, reason))
                logger.warning("upload.refused", metadata: ["file.sha256": "\(upload.sha256)", "error.code": "\(error.code)",
                                                            "error.message": "\(error.message)"])
            }
        }
        return summary
    }

    /// Why the hub will not take a file, as an officer reads it, the hub's words in brackets.
    static func refusal(_ error: SyncError) -> String {
        switch error.code {
        case .tooLarge: "tệp vượt giới hạn dung lượng huyện nhận; hãy quét với độ phân giải thấp hơn hoặc tách tệp (\(error.message))"
        case .fileType: "loại tệp không được chấp nhận (\(error.message))"
        default: "huyện không có bản ghi của tệp này; có thể nhiệm vụ đã thôi giao cho xã (\(error.message))"
        }
    }

    private func upload(_ upload: PendingUpload, token: String) async throws {
        let path = files.objectPath(upload.sha256)
        guard FileManager.default.fileExists(atPath: path) else {
            try await store.setUpload(upload.sha256, uploadedBytes: upload.uploadedBytes, size: upload.size,
                                      error: "the file is missing from \(files.root)")
            throw SyncError(.storage, "evidence file \(upload.sha256) is missing from \(files.root): attach it again")
        }
        var offset = try await hubOffset(upload, token: token)
        if offset > 0 && offset < upload.size {
            logger.info("upload.resumed", metadata: ["file.sha256": "\(upload.sha256)", "upload.offset": "\(offset)"])
        }
        while offset < upload.size {
            let chunk = try Self.read(path, at: offset, count: chunkBytes)
            logger.debug("upload.patch", metadata: ["file.sha256": "\(upload.sha256)", "upload.offset": "\(offset)",
                                                    "upload.bytes": "\(chunk.count)"])
            let reply = try await send("PATCH", "/\(upload.sha256)", token: token, body: chunk, headers: [
                "Content-Type: application/offset+octet-stream", "Upload-Offset: \(offset)",
            ])
            switch reply.status {
            case 204:
                offset = reply.header("upload-offset").flatMap(Int64.init) ?? offset + Int64(chunk.count)
            case 404, 409:
                // The hub's copy is not where we thought (another PC sent part of it, or it
                // discarded a bad upload): ask again.
                offset = try await hubOffset(upload, token: token)
            default:
                throw CurlSyncTransport.failure(reply)
            }
            try await store.setUpload(upload.sha256, uploadedBytes: offset, size: upload.size)
        }
        try await store.setUpload(upload.sha256, uploadedBytes: upload.size, size: upload.size)
        logger.info("upload.done", metadata: ["file.sha256": "\(upload.sha256)", "file.size": "\(upload.size)"])
    }

    /// Where the hub's copy ends: `HEAD`, and when the hub has no upload of it yet, a tus
    /// creation (`POST`), which answers the same.
    private func hubOffset(_ upload: PendingUpload, token: String) async throws -> Int64 {
        let head = try await send("HEAD", "/\(upload.sha256)", token: token)
        if head.status == 200, let offset = head.header("upload-offset").flatMap(Int64.init) { return offset }
        guard head.status == 404 else { throw CurlSyncTransport.failure(head) }
        let created = try await send("POST", "", token: token, body: Data(), headers: [
            "Upload-Length: \(upload.size)", "Upload-Metadata: sha256 \(Data(upload.sha256.utf8).base64EncodedString())",
        ])
        guard created.status == 201, let offset = created.header("upload-offset").flatMap(Int64.init) else {
            throw CurlSyncTransport.failure(created)
        }
        return offset
    }

    private func send(_ method: String, _ path: String, token: String, body: Data? = nil, headers: [String] = []) async throws -> CurlHTTPClient.Reply {
        let url = filesURL + path
        let client = transport.client
        let all = headers + ["Tus-Resumable: 1.0.0", "Authorization: Bearer \(token)", "Expect:"]
        return try await runBlocking { try client.send(method, url: url, body: body, headers: all) }
    }

    static func read(_ path: String, at offset: Int64, count: Int) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SyncError(.storage, "cannot read \(path)") }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        return try handle.read(upToCount: count) ?? Data()
    }

    /// Brings a file of the commune from the hub into the `FileStore` (when not here already),
    /// checked against its SHA-256; returns its path there.
    public func fetch(_ sha256: String, token: String) async throws -> String {
        let destination = files.objectPath(sha256)
        if FileManager.default.fileExists(atPath: destination) { return destination }
        let temporary = try files.makeTemporary()
        defer { try? FileManager.default.removeItem(atPath: temporary.path) }
        let url = filesURL + "/\(sha256)"
        let client = transport.client
        let reply = try await runBlocking {
            defer { try? temporary.handle.close() }
            let reply = try client.download(url: url, headers: ["Authorization: Bearer \(token)"], to: temporary.handle)
            try temporary.handle.synchronize()
            return reply
        }
        guard reply.status == 200 else {
            if reply.status == 404 { throw SyncError(.notFound, "Huyện không có tệp \(sha256) của xã (hoặc chưa nhận đủ).") }
            throw CurlSyncTransport.failure(reply)
        }
        let digest = try FileStore.sha256(ofFile: temporary.path)
        guard digest == sha256 else {
            throw SyncError(.checksumMismatch, "the file received hashes to \(digest), not \(sha256); try again")
        }
        try files.publish(temporary.path, as: sha256)
        return destination
    }
}
