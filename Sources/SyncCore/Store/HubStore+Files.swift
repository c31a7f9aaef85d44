import Foundation
import GRDB

/// A file the hub holds whole.
public struct StoredFile: Sendable, Hashable {
    public var sha256: String
    public var size: Int64
    public var type: EvidenceType

    public init(sha256: String, size: Int64, type: EvidenceType) {
        self.sha256 = sha256
        self.size = size
        self.type = type
    }
}

/// An evidence file as the district lists it: its record, and whether the hub holds the bytes.
public struct HubAttachment: Encodable, Sendable, Hashable {
    public var file: EvidenceFile
    public var stored: Bool

    enum CodingKeys: String, CodingKey { case commune, stored }

    public func encode(to encoder: any Encoder) throws {
        try file.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file.commune, forKey: .commune)
        try container.encode(stored, forKey: .stored)
    }
}

extension HubStore {
    /// A live `attachments` record naming `sha256`, of `commune` (what allows its nodes to
    /// upload and download the file, with the size and type it must have) or, without one, of
    /// any commune or district office (what district staff may open).
    public func announcedFile(_ sha256: String, commune: String? = nil) async throws -> EvidenceFile? {
        guard EvidenceFile.isDigest(sha256), commune.map(Identifiers.isCommuneCode) ?? true else { return nil }
        return try await read { [self] db in
            let records = try String.fetchAll(db, sql: """
                SELECT DISTINCT record FROM fields
                WHERE collection = 'attachments' AND record LIKE ? || '/%/' || ? AND field = 'size'
                """, arguments: [commune ?? "%", sha256])
            for record in records {
                if let file = EvidenceFile(record: record, fields: try fields(of: .attachments, record: record, db)) { return file }
            }
            // District staff may also open the files the district offices attached.
            guard commune == nil else { return nil }
            for record in try String.fetchAll(db, sql: """
                SELECT DISTINCT record FROM fields WHERE collection = 'officeAttachments' AND record LIKE '%/' || ? AND field = 'size'
                """, arguments: [sha256]) {
                if let file = EvidenceFile(record: record, fields: try fields(of: .officeAttachments, record: record, db)) { return file }
            }
            return nil
        }
    }

    /// The file held whole under `sha256`, if any.
    public func storedFile(_ sha256: String) async throws -> StoredFile? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT size, type FROM files WHERE sha256 = ?", arguments: [sha256]).flatMap { row in
                EvidenceType(rawValue: row["type"]).map { StoredFile(sha256: sha256, size: row["size"], type: $0) }
            }
        }
    }

    /// The bytes of files `commune` uploaded, for its quota.
    public func storedBytes(commune: String) async throws -> Int64 {
        try await read { db in
            try Int64.fetchOne(db, sql: """
                SELECT coalesce(sum(f.size), 0) FROM file_owners o JOIN files f ON f.sha256 = o.sha256 WHERE o.commune = ?
                """, arguments: [commune]) ?? 0
        }
    }

    /// Bytes stored per commune, for `/metrics`.
    public func storedBytesByCommune() async throws -> [String: Int64] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT o.commune, sum(f.size) AS bytes FROM file_owners o JOIN files f ON f.sha256 = o.sha256 GROUP BY o.commune
                """).reduce(into: [:]) { $0[$1["commune"]] = $1["bytes"] }
        }
    }

    /// Records that the file is held whole and checked, on `commune`'s account (a district
    /// office's files count against no commune's quota).
    public func recordStoredFile(_ file: StoredFile, commune: String?) async throws {
        let now = clock.physical.now()
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO files(sha256, size, type, stored_at) VALUES (?, ?, ?, ?)",
                           arguments: [file.sha256, file.size, file.type.rawValue, now])
            if let commune {
                try db.execute(sql: "INSERT OR IGNORE INTO file_owners(commune, sha256) VALUES (?, ?)", arguments: [commune, file.sha256])
            }
        }
    }

    /// Every live attachment (of one commune, or all), oldest first; with `subject` (a task id,
    /// or a year for the self-assessment's files), only those under it. A commune's, or a
    /// subject's, are read as key ranges of `fields` (one per commune for a subject alone):
    /// years of files do not make a task's page read them all.
    public func attachments(commune: String? = nil, subject: String? = nil) async throws -> [HubAttachment] {
        try await read { [self] db in
            var records: [String: [String: FieldValue]] = [:]
            switch (commune, subject) {
            case (let commune?, _):
                records = try self.records(of: .attachments, prefix: "\(commune)/\(subject.map { $0 + "/" } ?? "")", db)
            case (nil, let subject?):
                let communes = Set(try self.records(of: .communes, db).keys).union(try String.fetchAll(db, sql: "SELECT DISTINCT commune FROM nodes"))
                for code in communes {
                    records.merge(try self.records(of: .attachments, prefix: "\(code)/\(subject)/", db)) { first, _ in first }
                }
            case (nil, nil):
                records = try self.records(of: .attachments, db)
            }
            let stored = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM files WHERE sha256 = ?)")
            return try records
                .compactMap { EvidenceFile(record: $0.key, fields: $0.value) }
                .filter { file in subject == nil || file.task == subject || file.task.hasPrefix(subject! + "/") }
                .sorted { ($0.commune, $0.at, $0.name) < ($1.commune, $1.at, $1.name) }
                .map { HubAttachment(file: $0, stored: try Bool.fetchOne(stored, arguments: [$0.sha256]) ?? false) }
        }
    }
}
