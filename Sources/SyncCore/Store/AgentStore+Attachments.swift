import Foundation
import GRDB

/// Where an evidence file's bytes are, as the officer's screen and `attachments` show it.
public enum UploadState: String, Encodable, Sendable {
    /// Attached here; the hub has not got it yet.
    case waiting
    /// Part of it is at the hub (`uploadedBytes`).
    case uploading
    /// The hub holds it whole, checked.
    case uploaded
    /// Attached on another PC of the commune: `fetch` brings it from the hub.
    case remote
    /// The hub will not take it (too large, over the commune's quota, not an accepted type):
    /// not sent again; the reason is in `error`.
    case refused

    public var label: String {
        switch self {
        case .waiting: "Chờ gửi"
        case .uploading: "Đang gửi"
        case .uploaded: "Đã gửi lên huyện"
        case .remote: "Máy khác đính kèm"
        case .refused: "Huyện không nhận"
        }
    }
}

/// An evidence file as the agent lists it.
public struct AgentAttachment: Encodable, Sendable, Hashable {
    public var file: EvidenceFile
    public var state: UploadState
    public var uploadedBytes: Int64
    /// Why the last upload attempt failed, or why the hub refused the file.
    public var error: String?

    enum CodingKeys: String, CodingKey { case state, uploadedBytes, error }

    public func encode(to encoder: any Encoder) throws {
        try file.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(uploadedBytes, forKey: .uploadedBytes)
        try container.encode(error, forKey: .error)
    }

    /// "Đang gửi 40 %" while uploading, the reason when refused, else the state's label.
    public var stateLabel: String {
        if state == .refused, let error { return "\(state.label): \(error)" }
        guard state == .uploading, file.size > 0 else { return state.label }
        return "\(state.label) \(uploadedBytes * 100 / file.size) %"
    }
}

/// A file the uploader still has to send.
public struct PendingUpload: Sendable, Hashable {
    public var sha256: String
    public var size: Int64
    public var uploadedBytes: Int64
}

extension AgentStore {
    /// Attaches a file already in the `FileStore`: its `attachments` record (stamped and queued
    /// like any write) and its place in the upload queue, in one transaction. The task must be
    /// one the commune has; a sub-criterion (`<year>/<criterion>`), one of the year's set, in
    /// an assessment the commune may still change.
    public func attach(_ file: EvidenceFile, node: String) async throws {
        let writes = try file.writes()
        let now = clock.physical.now()
        try await write { [self] db in
            if let (year, _) = AssessmentRecords.criterionSubject(file.task) {
                try check(writes, commune: file.commune, year: year, set: try currentCriteriaSet(year: year, db)?.set, db)
            } else if let proposal = RecordSubject.proposalID(file.task) {
                guard Proposal(record: "\(file.commune)/\(proposal)", fields: try fields(of: .proposals, record: "\(file.commune)/\(proposal)", db)) != nil else {
                    throw SyncError(.notFound, "Không có kiến nghị \(proposal).")
                }
            } else {
                let task = try fields(of: .tasks, record: file.task, db)
                guard !task.isEmpty, task[deletedField]?.int != 1 else {
                    throw SyncError(.unknownTask, "Xã chưa được giao nhiệm vụ \(file.task).")
                }
            }
            _ = try record(writes, actor: file.by, node: node, db)
            try db.execute(sql: "INSERT OR IGNORE INTO uploads(sha256, size, created_at) VALUES (?, ?, ?)",
                           arguments: [file.sha256, file.size, now])
        }
    }

    /// Attaches the file at `path` to `task` as `by` did: its type read from its bytes, the file
    /// copied into the store's `FileStore`, then `attach`. What `commune-agent attach` and the
    /// officer's screen share; `name` is the name the officer sees (sanitised here).
    public func attachFile(at path: String, name: String, task: String, by: String, maxBytes: Int64) async throws -> EvidenceFile {
        let identity = try await agentIdentity()
        let by = by.cleanedInput
        guard !by.isEmpty else { throw SyncError(.invalidInput, "Thiếu người đính kèm (--by).") }
        // Reading, hashing and syncing 25 MB: on a thread of its own, not the async pool's.
        let files = FileStore(beside: self.path)
        let (type, stored) = try await runBlocking {
            (try EvidenceType.sniff(path: path), try files.ingest(path: path, maxBytes: maxBytes))
        }
        let (sha256, size) = stored
        let file = EvidenceFile(sha256: sha256, commune: identity.commune, task: task.cleanedInput,
                                name: EvidenceFile.sanitizedName(name), size: size, type: type, by: by,
                                at: ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(clock.physical.now()) / 1000)))
        try await attach(file, node: identity.node)
        return file
    }

    /// Removes an attachment: a tombstone on its record. The bytes stay (here and at the hub)
    /// while another record refers to them.
    public func detach(commune: String, task: String, sha256: String, by: String, node: String) async throws {
        let recordID = "\(commune)/\(task)/\(sha256)"
        try await write { [self] db in
            guard EvidenceFile(record: recordID, fields: try fields(of: .attachments, record: recordID, db)) != nil else {
                throw SyncError(.notFound, "Nhiệm vụ \(task) không có tệp \(sha256).")
            }
            let writes = [FieldWrite(collection: RecordCollection.attachments.rawValue, record: recordID, field: deletedField, value: .int(1))]
            if let (year, _) = AssessmentRecords.criterionSubject(task) {
                try check(writes, commune: commune, year: year, set: try currentCriteriaSet(year: year, db)?.set, db)
            }
            _ = try record(writes, actor: by, node: node, db)
        }
    }

    /// The commune's evidence files (of one task, or all), oldest first, with where their bytes are.
    public func attachments(task: String? = nil) async throws -> [AgentAttachment] {
        try await read { [self] db in
            let uploads = try Row.fetchAll(db, sql: "SELECT sha256, state, uploaded_bytes, last_error FROM uploads")
                .reduce(into: [String: (UploadState, Int64, String?)]()) {
                    $0[$1["sha256"]] = (UploadState(rawValue: $1["state"]) ?? .waiting, $1["uploaded_bytes"], $1["last_error"])
                }
            return try records(of: .attachments, db)
                .compactMap { EvidenceFile(record: $0.key, fields: $0.value) }
                .filter { task == nil || $0.task == task }
                .sorted { ($0.at, $0.name) < ($1.at, $1.name) }
                .map { file in
                    let upload = uploads[file.sha256]
                    return AgentAttachment(file: file, state: upload?.0 ?? .remote, uploadedBytes: upload?.1 ?? 0, error: upload?.2)
                }
        }
    }

    /// Files to upload whose records the hub has acknowledged: it takes a file only for a
    /// record it holds. A file whose every record was refused stays waiting, shown as such.
    public func pendingUploads() async throws -> [PendingUpload] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT sha256, size, uploaded_bytes FROM uploads u
                WHERE state IN ('waiting', 'uploading')
                  AND EXISTS (SELECT 1 FROM outbox o WHERE o.collection = 'attachments'
                              AND o.record LIKE '%/' || u.sha256 AND o.state = 'acked')
                  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.collection = 'attachments'
                                  AND o.record LIKE '%/' || u.sha256 AND o.state = 'pending')
                ORDER BY created_at, sha256
                """).map { PendingUpload(sha256: $0["sha256"], size: $0["size"], uploadedBytes: $0["uploaded_bytes"]) }
        }
    }

    /// How many attached files the hub does not hold whole yet (the sync line's count).
    public func uploadsWaiting() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM uploads WHERE state IN ('waiting', 'uploading')") ?? 0 }
    }

    /// Records that the hub will not take the file, and why: it is not sent again.
    public func refuseUpload(_ sha256: String, reason: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE uploads SET state = 'refused', last_error = ? WHERE sha256 = ?", arguments: [reason, sha256])
        }
    }

    /// Records how far an upload got.
    public func setUpload(_ sha256: String, uploadedBytes: Int64, size: Int64, error: String? = nil) async throws {
        let state: UploadState = uploadedBytes >= size ? .uploaded : uploadedBytes > 0 ? .uploading : .waiting
        try await write { db in
            try db.execute(sql: "UPDATE uploads SET uploaded_bytes = ?, state = ?, last_error = ? WHERE sha256 = ?",
                           arguments: [uploadedBytes, state.rawValue, error, sha256])
        }
    }
}
