import Foundation
import Hummingbird
import Synchronization
import SyncCore
import WebSupport
import _NIOFileSystem

/// How much the hub takes: per file, and per commune in all.
struct FileLimits: Sendable {
    var maxFileBytes: Int64 = EvidenceFile.defaultMaxBytes
    var maxCommuneBytes: Int64 = 2 << 30
}

/// Evidence files from the nodes, by the tus 1.0 protocol (core and creation): `POST
/// /v1/files` creates an upload named by the file's SHA-256, `HEAD` tells how much the hub
/// has, `PATCH` appends from there, streamed to disk; `GET` gives a stored file back. A node
/// reaches only files its commune's records name: any other is 404, the answer for a file that
/// does not exist either. The bytes become visible only whole and checked against their
/// SHA-256 and their type.
struct FileController {
    static let path = "/v1/files"
    static let tusVersion = "1.0.0"

    let store: HubStore
    let files: FileStore
    let limits: FileLimits
    let metrics: HubMetrics
    /// One PATCH per file at a time: two PCs of a commune resuming the same upload at once
    /// would both append at the same offset.
    let inFlight = InFlightUploads()

    func addRoutes(to group: RouterGroup<HubRequestContext>) {
        group.post(RouterPath(Self.path), use: create)
        group.on(RouterPath(Self.path + "/:sha256"), method: .head, use: head)
        group.patch(RouterPath(Self.path + "/:sha256"), use: patch)
        group.get(RouterPath(Self.path + "/:sha256"), use: download)
    }

    /// tus creation: answers 201 with the upload's address and, beyond the protocol, its
    /// offset, so a client resuming learns it without another round trip.
    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let identity = try identity(context)
        try checkTusVersion(request)
        guard let sha256 = Self.metadata(request.headers[.uploadMetadata])["sha256"] else {
            throw SyncError(.invalidInput, "Upload-Metadata must carry the file's sha256")
        }
        let file = try await announced(sha256, identity)
        guard let length = request.headers[.uploadLength].flatMap(Int64.init), length == file.size else {
            throw SyncError(.invalidInput, "Upload-Length must be the \(file.size) bytes the file's record announces")
        }
        guard length <= limits.maxFileBytes else {
            metrics.upload(outcome: "too_large")
            throw SyncError(.tooLarge, "the file is \(length) bytes, over the limit of \(limits.maxFileBytes) bytes per file")
        }
        let offset: Int64
        if let stored = try await store.storedFile(sha256) {
            // Stored already (the same scan from another PC or commune): nothing to send.
            try await store.recordStoredFile(stored, commune: identity.commune)
            offset = length
        } else {
            let used = try await store.storedBytes(commune: identity.commune)
            guard used + length <= limits.maxCommuneBytes else {
                metrics.upload(outcome: "quota")
                throw SyncError(.tooLarge, "the commune's files would take \(used + length) bytes, over its limit of \(limits.maxCommuneBytes)")
            }
            offset = try await partialSize(identity.commune, sha256, create: true)
        }
        var headers = tusHeaders(offset: offset, length: length)
        headers[.location] = "\(Self.path)/\(sha256)"
        return Response(status: .created, headers: headers)
    }

    @Sendable func head(_ request: Request, context: HubRequestContext) async throws -> Response {
        let identity = try identity(context)
        let file = try await announced(try context.parameters.require("sha256"), identity)
        let offset = try await currentOffset(file, identity)
        return Response(status: .ok, headers: tusHeaders(offset: offset, length: file.size))
    }

    /// Appends the body at `Upload-Offset`, syncing what arrived even when the line drops
    /// mid-chunk, so the client resumes from there; the last byte triggers the check.
    @Sendable func patch(_ request: Request, context: HubRequestContext) async throws -> Response {
        let identity = try identity(context)
        try checkTusVersion(request)
        guard request.headers[.contentType] == "application/offset+octet-stream" else {
            throw SyncError(.invalidInput, "a PATCH carries Content-Type: application/offset+octet-stream")
        }
        let file = try await announced(try context.parameters.require("sha256"), identity)
        guard let offset = request.headers[.uploadOffset].flatMap(Int64.init) else {
            throw SyncError(.invalidInput, "Upload-Offset is required")
        }
        guard inFlight.begin(file.sha256) else {
            throw SyncError(.offsetMismatch, "another upload of this file is in progress; ask HEAD again later")
        }
        defer { inFlight.end(file.sha256) }
        let current = try await currentOffset(file, identity)
        guard offset == current else {
            throw SyncError(.offsetMismatch, "Upload-Offset \(offset) is not where the hub's copy ends (\(current))")
        }
        if current == file.size { return Response(status: .noContent, headers: tusHeaders(offset: current, length: file.size)) }
        if offset > 0 { metrics.upload(outcome: "resumed") }
        let partial = files.partialPath(commune: identity.commune, sha256: file.sha256)
        let end = try await append(request.body, to: partial, at: offset, limit: file.size, metrics: metrics)
        if end == file.size {
            try await complete(file, partial: partial, commune: identity.commune)
        }
        return Response(status: .noContent, headers: tusHeaders(offset: end, length: file.size))
    }

    @Sendable func download(_ request: Request, context: HubRequestContext) async throws -> Response {
        let identity = try identity(context)
        let file = try await announced(try context.parameters.require("sha256"), identity)
        guard let stored = try await store.storedFile(file.sha256) else {
            throw SyncError(.notFound, "the hub does not hold this file yet")
        }
        return try await EvidenceDownload.response(path: files.objectPath(stored.sha256), type: stored.type, name: file.name,
                                                   inline: false, context: context)
    }

    // MARK: - Steps

    private func identity(_ context: HubRequestContext) throws -> NodeIdentity {
        guard let identity = context.identity else { throw SyncError(.unauthorized, "no node identified") }
        return identity
    }

    private func checkTusVersion(_ request: Request) throws {
        guard request.headers[.tusResumable] == Self.tusVersion else {
            throw SyncError(.protocolVersion, "this hub speaks tus \(Self.tusVersion) (Tus-Resumable: \(Self.tusVersion))")
        }
    }

    /// The file as this commune's live records announce it, or 404.
    private func announced(_ sha256: String, _ identity: NodeIdentity) async throws -> EvidenceFile {
        guard let file = try await store.announcedFile(sha256, commune: identity.commune) else {
            throw SyncError(.notFound, "no such file")
        }
        return file
    }

    /// How much of the file the hub holds: all of it once stored, else its partial's size.
    private func currentOffset(_ file: EvidenceFile, _ identity: NodeIdentity) async throws -> Int64 {
        if try await store.storedFile(file.sha256) != nil { return file.size }
        return try await partialSize(identity.commune, file.sha256, create: false)
    }

    /// The partial upload's size; with `create`, an empty one is made when there is none.
    private func partialSize(_ commune: String, _ sha256: String, create: Bool) async throws -> Int64 {
        let path = FilePath(files.partialPath(commune: commune, sha256: sha256))
        if let info = try await FileSystem.shared.info(forFileAt: path) { return info.size }
        guard create else { throw SyncError(.notFound, "no upload of this file: create it with POST \(Self.path)") }
        try await FileSystem.shared.createDirectory(at: path.removingLastComponent(), withIntermediateDirectories: true)
        try await FileSystem.shared.withFileHandle(forWritingAt: path, options: .modifyFile(createIfNecessary: true)) { _ in }
        return 0
    }

    /// Writes the body's buffers from `offset`, never past `limit`; synced to disk before the
    /// offset it returns is reported, also when the body breaks off.
    private func append(_ body: RequestBody, to path: String, at offset: Int64, limit: Int64, metrics: HubMetrics) async throws -> Int64 {
        var end = offset
        var failure: (any Error)?
        do {
            try await FileSystem.shared.withFileHandle(forWritingAt: FilePath(path), options: .modifyFile(createIfNecessary: false)) { handle in
                do {
                    for try await buffer in body {
                        guard end + Int64(buffer.readableBytes) <= limit else {
                            throw SyncError(.tooLarge, "the upload goes past its Upload-Length of \(limit) bytes")
                        }
                        do {
                            try await handle.write(contentsOf: buffer, toAbsoluteOffset: end)
                        } catch {
                            throw Self.diskError(error)
                        }
                        end += Int64(buffer.readableBytes)
                    }
                } catch {
                    failure = error
                }
                try await handle.synchronize()
            }
        } catch {
            throw Self.diskError(error)
        }
        metrics.uploadBytes(Int(end - offset))
        if let failure {
            // A refusal or the disk's failure; what was written before it is kept and synced.
            if let refusal = failure as? SyncError { throw refusal }
            // The line dropped: what arrived is kept and synced; the client asks HEAD and resumes.
            throw SyncError(.invalidInput, "the upload broke off at \(end) bytes: \(failure)")
        }
        return end
    }

    /// Checks a whole upload against its SHA-256 and its type, then makes it visible; a file
    /// that fails either is discarded, so the next attempt starts clean.
    private func complete(_ file: EvidenceFile, partial: String, commune: String) async throws {
        let (digest, type) = try await runBlocking { (try FileStore.sha256(ofFile: partial), try? EvidenceType.sniff(path: partial)) }
        guard digest == file.sha256 else {
            try? FileManager.default.removeItem(atPath: partial)
            metrics.upload(outcome: "checksum_mismatch")
            throw SyncError(.checksumMismatch, "the bytes received hash to \(digest), not \(file.sha256); the upload was discarded")
        }
        guard let type, type.rawValue == file.type else {
            try? FileManager.default.removeItem(atPath: partial)
            metrics.upload(outcome: "file_type")
            throw SyncError(.fileType, "the file's bytes are not a \(file.type); the upload was discarded")
        }
        try await runBlocking { [files] in try files.publish(partial, as: file.sha256) }
        try await store.recordStoredFile(StoredFile(sha256: file.sha256, size: file.size, type: type), commune: commune)
        metrics.upload(outcome: "stored")
        metrics.storedBytes(try await store.storedBytes(commune: commune), commune: commune)
    }

    /// A failed write to the hub's disk as a `storage` error; a full disk is named so.
    static func diskError(_ error: any Error) -> SyncError {
        if let error = error as? SyncError { return error }
        return SyncError(.storage, FileStore.isDiskFull(error)
            ? "the hub's disk is full; what was received is kept, resume when space returns" : "cannot write the upload: \(error)")
    }

    private func tusHeaders(offset: Int64, length: Int64) -> HTTPFields {
        [.tusResumable: Self.tusVersion, .uploadOffset: String(offset), .uploadLength: String(length), .cacheControl: "no-store"]
    }

    /// tus's `Upload-Metadata`: `key base64,key base64`.
    static func metadata(_ header: String?) -> [String: String] {
        var pairs: [String: String] = [:]
        for pair in (header ?? "").split(separator: ",") {
            let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
            guard let key = parts.first else { continue }
            let value = parts.count > 1 ? Data(base64Encoded: String(parts[1])).map { String(decoding: $0, as: UTF8.self) } : ""
            if let value { pairs[String(key)] = value }
        }
        return pairs
    }
}

/// The files with a PATCH in progress.
final class InFlightUploads: Sendable {
    private let files = Mutex<Set<String>>([])

    func begin(_ sha256: String) -> Bool {
        files.withLock { $0.insert(sha256).inserted }
    }

    func end(_ sha256: String) {
        files.withLock { _ = $0.remove(sha256) }
    }
}

extension HTTPFields.Element.Name {
    static let tusResumable = Self("Tus-Resumable")!
    static let uploadOffset = Self("Upload-Offset")!
    static let uploadLength = Self("Upload-Length")!
    static let uploadMetadata = Self("Upload-Metadata")!
}
