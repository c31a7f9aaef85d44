import Foundation

/// An evidence file attached to a commune's progress on a task: the metadata that syncs as an
/// `attachments` record. Its bytes travel apart (tus uploads), named by their SHA-256.
public struct EvidenceFile: Encodable, Sendable, Hashable {
    public var sha256: String
    public var commune: String
    public var task: String
    /// The name the officer's file had, sanitised and NFC.
    public var name: String
    public var size: Int64
    /// The MIME type found in the bytes (`EvidenceType`).
    public var type: String
    public var by: String
    /// When it was attached, ISO 8601 UTC.
    public var at: String

    /// The record it supports, as `attachments --json` names it: `progress/<commune>/<task>`,
    /// `scores/<commune>/<year>/<criterion>` for a sub-criterion's evidence, or
    /// `proposals/<commune>/<id>` for a proposal's.
    public var record: String {
        switch subject {
        case .criterion: "\(RecordCollection.scores.rawValue)/\(commune)/\(task)"
        case .proposal(let id): "\(RecordCollection.proposals.rawValue)/\(commune)/\(id)"
        case .task, .assessment, .none: "\(RecordCollection.progress.rawValue)/\(commune)/\(task)"
        }
    }

    /// What the file supports: a task, a sub-criterion, a proposal.
    public var subject: RecordSubject { RecordSubject(.attachments, item: Substring(task)) }

    public var evidenceType: EvidenceType? { EvidenceType(rawValue: type) }

    enum CodingKeys: String, CodingKey {
        case sha256, name, size, type, record, by, at
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sha256, forKey: .sha256)
        try container.encode(name, forKey: .name)
        try container.encode(size, forKey: .size)
        try container.encode(type, forKey: .type)
        try container.encode(record, forKey: .record)
        try container.encode(by, forKey: .by)
        try container.encode(at, forKey: .at)
    }

    /// The file an `attachments` record describes, or nil for a deleted or incomplete one.
    public init?(record: String, fields: [String: FieldValue]) {
        guard fields[deletedField]?.int != 1,
            let (commune, rest) = Schema.recordParts(record),
            let slash = rest.lastIndex(of: "/"),
            let name = fields["name"]?.text, let size = fields["size"]?.int, let type = fields["type"]?.text
        else { return nil }
        self.commune = String(commune)
        task = String(rest[..<slash])
        sha256 = String(rest[rest.index(after: slash)...])
        self.name = name
        self.size = size
        self.type = type
        by = fields["by"]?.text ?? ""
        at = fields["at"]?.text ?? ""
    }

    public init(sha256: String, commune: String, task: String, name: String, size: Int64, type: EvidenceType, by: String, at: String) {
        self.sha256 = sha256
        self.commune = commune
        self.task = task
        self.name = name
        self.size = size
        self.type = type.rawValue
        self.by = by
        self.at = at
    }

    /// The `attachments` record id: `<commune>/<task>/<sha256>`.
    public var recordID: String { "\(commune)/\(task)/\(sha256)" }

    /// The field writes that attach it, checked (a deleted record is brought back).
    public func writes(in collection: RecordCollection = .attachments) throws -> [FieldWrite] {
        let values: [(String, FieldValue)] = [
            ("name", .text(name)), ("size", .int(size)), ("type", .text(type)), ("by", .text(by)), ("at", .text(at)),
            (deletedField, .int(0)),
        ]
        try Schema.validateRecord(recordID, in: collection)
        let writes = values.map { FieldWrite(collection: collection.rawValue, record: recordID, field: $0.0, value: $0.1) }
        for write in writes {
            try Schema.validate(write.value, field: write.field, in: collection)
        }
        return writes
    }

    /// Names longer than this (in characters) are cut, keeping the extension.
    public static let maxNameLength = 255
    /// The largest size a record may announce; the configured limits are lower.
    public static let maxSizeCeiling: Int64 = 1 << 32
    /// The default per-file limit: a scanned decision of many pages, not a video.
    public static let defaultMaxBytes: Int64 = 25 << 20

    /// Whether `text` is a SHA-256 as the store names files: 64 lowercase hex digits.
    public static func isDigest(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// A file's name as stored and shown: its last path component, NFC, without control
    /// characters or separators, at most `maxNameLength` characters (the extension kept).
    public static func sanitizedName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var name = String(String.UnicodeScalarView(last.nfc.unicodeScalars.filter {
            !CharacterSet.controlCharacters.contains($0) && $0 != ":"
        })).trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name == "." || name == ".." { name = "tep-minh-chung" }
        if name.count > maxNameLength {
            let ext = (name as NSString).pathExtension
            let keep = ext.isEmpty || ext.count > 10 ? "" : "." + ext
            name = String(name.prefix(maxNameLength - keep.count)) + keep
        }
        return name
    }
}
