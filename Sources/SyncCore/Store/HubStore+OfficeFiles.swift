import Foundation

extension HubStore {
    /// Attaches the file at `path` to `office`'s report on `task`, as `by` did on the
    /// dashboard: its type read from its bytes, the bytes stored with the communes' (named by
    /// their SHA-256), and an `officeAttachments` record written by the district, audited like
    /// the office's report. `name` is the browser's (sanitised here).
    public func attachOfficeFile(at path: String, name: String, office: String, task: String, by: String,
                                 maxBytes: Int64) async throws -> EvidenceFile {
        let files = FileStore(beside: self.path)
        // Reading, hashing and syncing 25 MB: on a thread of its own, not the async pool's.
        let (type, stored) = try await runBlocking {
            (try EvidenceType.sniff(path: path), try files.ingest(path: path, maxBytes: maxBytes))
        }
        let file = EvidenceFile(sha256: stored.sha256, commune: OfficeKey.of(office), task: task, name: EvidenceFile.sanitizedName(name),
                                size: stored.size, type: type, by: by,
                                at: ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(clock.physical.now()) / 1000)))
        try await recordStoredFile(StoredFile(sha256: file.sha256, size: file.size, type: type), commune: nil)
        try await recordDistrict(try file.writes(in: .officeAttachments), actor: by)
        return file
    }

    /// Removes an office's file from its report: a tombstone on its record; the bytes go when
    /// no record has named them for the grace period.
    public func detachOfficeFile(office: String, task: String, sha256: String, by: String) async throws {
        let record = "\(OfficeKey.of(office))/\(task)/\(sha256)"
        guard EvidenceFile(record: record, fields: try await fields(of: .officeAttachments, record: record)) != nil else {
            throw SyncError(.notFound, "Nhiệm vụ \(task) không có tệp này.")
        }
        try await recordDistrict([FieldWrite(collection: RecordCollection.officeAttachments.rawValue, record: record, field: deletedField,
                                             value: .int(1))], actor: by)
    }

    /// The live files of `office`'s reports, by task, oldest first.
    public func officeAttachments(office: String) async throws -> [String: [EvidenceFile]] {
        let prefix = OfficeKey.of(office) + "/"
        return try await records(of: .officeAttachments).filter { $0.key.hasPrefix(prefix) }
            .compactMap { EvidenceFile(record: $0.key, fields: $0.value) }
            .sorted { ($0.at, $0.name) < ($1.at, $1.name) }
            .reduce(into: [:]) { $0[$1.task, default: []].append($1) }
    }
}
