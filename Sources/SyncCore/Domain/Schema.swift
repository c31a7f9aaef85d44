import Foundation

/// Who may write a field: the district (the hub and its staff) or the nodes of the commune the
/// record belongs to. The hub enforces it on every change a node sends.
public enum Writer: Sendable {
    case district
    case commune
}

/// The collections that sync and the record ids they use (named so as not to shadow Swift's `Collection`).
public enum RecordCollection: String, CaseIterable, Sendable {
    /// Record id: the commune code.
    case communes
    /// Record id: the task id.
    case tasks
    /// Record id: `<commune>/<task>`.
    case progress
    /// Record id: `<commune>/<kind>`.
    case equipment
    /// An evidence file's metadata. Record id: `<commune>/<task>/<sha256>`: the file supports
    /// the commune's progress on the task, and its bytes are named by their SHA-256.
    case attachments

    /// Whether the records are a commune's (`<commune>/<item>`), written by its nodes and heard
    /// of by its nodes only; the others are the district's.
    public var isCommunes: Bool {
        switch self {
        case .communes, .tasks: false
        case .progress, .equipment, .attachments: true
        }
    }

    /// Whether a record's item names a task, which the hub accepts only while the task is
    /// assigned to the record's commune.
    public var isAboutTask: Bool {
        self == .progress || self == .attachments
    }
}

/// The tombstone field: set to 1 to delete a record, so a long-offline node still learns of it.
public let deletedField = "_deleted"

/// What one field may hold.
public struct FieldSpec: Sendable {
    public enum Kind: Sendable {
        case text(maxLength: Int, required: Bool)
        case integer(ClosedRange<Int64>)
        case number(ClosedRange<Double>)
        case choice([String])
        /// `yyyy-MM-dd`, a date in Asia/Ho_Chi_Minh.
        case date
        /// A task's assignment: "*" (every commune) or a JSON array of commune codes.
        case assignment
        /// A JSON array of strings (a task's district offices).
        case stringList
        case flag
    }

    public var kind: Kind
    public var writer: Writer
}

/// The fields of every collection, who writes them and what they may hold: the one place both
/// the agent (before storing) and the hub (before merging) check writes against.
public enum Schema {
    /// A field's spec, or nil for a field its collection does not have. A switch, not a
    /// dictionary keyed by collection: the hub asks for every change it merges, and hashing a
    /// `RecordCollection` hashes its name.
    public static func spec(_ field: String, in collection: RecordCollection) -> FieldSpec? {
        switch collection {
        case .communes: communeFields[field]
        case .tasks: taskFields[field]
        case .progress: progressFields[field]
        case .equipment: equipmentFields[field]
        case .attachments: attachmentFields[field]
        }
    }

    private static let communeFields: [String: FieldSpec] = [
        "name": FieldSpec(kind: .text(maxLength: 200, required: true), writer: .district),
        deletedField: FieldSpec(kind: .flag, writer: .district),
    ]

    private static let taskFields: [String: FieldSpec] = [
        "title": FieldSpec(kind: .text(maxLength: 300, required: true), writer: .district),
        "detail": FieldSpec(kind: .text(maxLength: 4000, required: false), writer: .district),
        "source": FieldSpec(kind: .text(maxLength: 200, required: false), writer: .district),
        "deadline": FieldSpec(kind: .date, writer: .district),
        "communes": FieldSpec(kind: .assignment, writer: .district),
        "offices": FieldSpec(kind: .stringList, writer: .district),
        "index": FieldSpec(kind: .choice(TaskIndex.allCases.map(\.rawValue)), writer: .district),
        deletedField: FieldSpec(kind: .flag, writer: .district),
    ]

    private static let progressFields: [String: FieldSpec] = [
        "status": FieldSpec(kind: .choice(ProgressStatus.allCases.map(\.rawValue)), writer: .commune),
        "percent": FieldSpec(kind: .integer(0...100), writer: .commune),
        "note": FieldSpec(kind: .text(maxLength: 2000, required: false), writer: .commune),
        "evidence": FieldSpec(kind: .text(maxLength: 500, required: false), writer: .commune),
        "by": FieldSpec(kind: .text(maxLength: 100, required: true), writer: .commune),
        "review": FieldSpec(kind: .choice(ReviewDecision.allCases.map(\.rawValue)), writer: .district),
        "review_note": FieldSpec(kind: .text(maxLength: 2000, required: false), writer: .district),
        "reviewed_by": FieldSpec(kind: .text(maxLength: 100, required: false), writer: .district),
        deletedField: FieldSpec(kind: .flag, writer: .commune),
    ]

    private static let equipmentFields: [String: FieldSpec] = [
        "total": FieldSpec(kind: .integer(0...100_000), writer: .commune),
        "working": FieldSpec(kind: .integer(0...100_000), writer: .commune),
        "broken": FieldSpec(kind: .integer(0...100_000), writer: .commune),
        "needed": FieldSpec(kind: .integer(0...100_000), writer: .commune),
        "cost": FieldSpec(kind: .integer(0...1_000_000_000_000), writer: .commune),
        "state": FieldSpec(kind: .choice(InternetState.allCases.map(\.rawValue)), writer: .commune),
        "provider": FieldSpec(kind: .text(maxLength: 200, required: false), writer: .commune),
        "mbps": FieldSpec(kind: .number(0...1_000_000), writer: .commune),
        "note": FieldSpec(kind: .text(maxLength: 2000, required: false), writer: .commune),
        "by": FieldSpec(kind: .text(maxLength: 100, required: true), writer: .commune),
        "checked_on": FieldSpec(kind: .date, writer: .commune),
        deletedField: FieldSpec(kind: .flag, writer: .commune),
    ]

    private static let attachmentFields: [String: FieldSpec] = [
        "name": FieldSpec(kind: .text(maxLength: EvidenceFile.maxNameLength, required: true), writer: .commune),
        "size": FieldSpec(kind: .integer(1...EvidenceFile.maxSizeCeiling), writer: .commune),
        "type": FieldSpec(kind: .choice(EvidenceType.allCases.map(\.rawValue)), writer: .commune),
        "by": FieldSpec(kind: .text(maxLength: 100, required: true), writer: .commune),
        /// When it was attached: ISO 8601, UTC.
        "at": FieldSpec(kind: .text(maxLength: 40, required: true), writer: .commune),
        deletedField: FieldSpec(kind: .flag, writer: .commune),
    ]

    /// The commune a record belongs to, when it belongs to one.
    public static func commune(of collection: RecordCollection, record: String) -> String? {
        switch collection {
        case .communes: return record
        case .tasks: return nil
        case .progress, .equipment, .attachments:
            guard let slash = record.utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
            return String(record[..<slash])
        }
    }

    /// The commune and the task or equipment kind of a progress or equipment record id.
    public static func recordParts(_ record: String) -> (commune: Substring, item: Substring)? {
        guard let slash = record.utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        return (record[..<slash], record[record.utf8.index(after: slash)...])
    }

    /// Checks that a record id has its collection's shape. Returns the commune and item of a
    /// commune's record (for an attachment, the task it supports), so the hub parses each
    /// record id once.
    @discardableResult
    public static func validateRecord(_ record: String, in collection: RecordCollection) throws -> (commune: Substring, item: Substring)? {
        var parts: (commune: Substring, item: Substring)?
        let valid: Bool
        switch collection {
        case .communes: valid = Identifiers.isCommuneCode(record)
        case .tasks: valid = Identifiers.isTaskID(record)
        case .progress, .equipment:
            // `<commune>/<task or equipment kind>`; neither part may hold another slash.
            parts = recordParts(record)
            if let (commune, item) = parts {
                valid = Identifiers.isCommuneCode(commune)
                    && (collection == .progress ? Identifiers.isTaskID(item) : EquipmentKind(rawValue: String(item)) != nil)
            } else {
                valid = false
            }
        case .attachments:
            // `<commune>/<task>/<sha256>`.
            if let (commune, rest) = recordParts(record), let slash = rest.utf8.lastIndex(of: UInt8(ascii: "/")) {
                let task = rest[..<slash]
                parts = (commune, task)
                valid = Identifiers.isCommuneCode(commune) && Identifiers.isTaskID(task)
                    && EvidenceFile.isDigest(rest[rest.utf8.index(after: slash)...])
            } else {
                valid = false
            }
        }
        if !valid {
            throw SyncError(.invalidInput, "Mã bản ghi không hợp lệ trong \(collection.rawValue): \(record)")
        }
        return parts
    }

    /// Checks one field's value against its spec. Text must already be NFC.
    public static func validate(_ value: FieldValue, field: String, in collection: RecordCollection) throws {
        guard let spec = spec(field, in: collection) else {
            throw SyncError(.unknownField, "Trường không tồn tại: \(collection.rawValue).\(field)")
        }
        try validate(value, field: field, spec: spec)
    }

    /// The same check against a spec the caller has looked up (the hub looks it up once per change).
    public static func validate(_ value: FieldValue, field: String, spec: FieldSpec) throws {
        func invalid(_ why: String) -> SyncError {
            SyncError(.invalidValue, "Giá trị không hợp lệ cho \(field): \(why)")
        }
        if value.isNull {
            if case .text(_, required: true) = spec.kind { throw invalid("không được để trống") }
            return
        }
        switch spec.kind {
        case .text(let maxLength, let required):
            guard let text = value.text else { throw invalid("phải là chữ") }
            guard text.isNFC else { throw invalid("văn bản phải ở dạng Unicode NFC") }
            guard !text.hasControlCharacters else { throw invalid("văn bản chứa ký tự điều khiển") }
            if required && text.isEmpty { throw invalid("không được để trống") }
            // Counting characters walks grapheme clusters; no text has more of them than bytes.
            if text.utf8.count > maxLength && text.count > maxLength { throw invalid("dài quá \(maxLength) ký tự") }
        case .integer(let range):
            guard let number = value.int else { throw invalid("phải là số nguyên") }
            guard range.contains(number) else {
                throw invalid("phải từ \(range.lowerBound) đến \(range.upperBound)")
            }
        case .number(let range):
            guard let number = value.number, number.isFinite else { throw invalid("phải là số") }
            guard range.contains(number) else {
                throw invalid("phải từ \(range.lowerBound) đến \(range.upperBound)")
            }
        case .choice(let options):
            guard let text = value.text, options.contains(text) else {
                throw invalid("phải là một trong \(options.joined(separator: ", "))")
            }
        case .date:
            guard let text = value.text, CalendarDay(text) != nil else {
                throw invalid("ngày phải có dạng yyyy-MM-dd")
            }
        case .assignment:
            guard let text = value.text, TaskAssignment(encoded: text) != nil else {
                throw invalid("phải là \"*\" hoặc danh sách mã xã dạng JSON")
            }
        case .stringList:
            guard let text = value.text, let data = text.data(using: .utf8),
                (try? JSONDecoder().decode([String].self, from: data)) != nil
            else { throw invalid("phải là danh sách JSON") }
        case .flag:
            guard let number = value.int, number == 0 || number == 1 else { throw invalid("phải là 0 hoặc 1") }
        }
    }
}

/// The shapes of identifiers that appear in record ids. They are checked for every change the
/// hub merges, so they look at UTF-8 bytes and take substrings without copying.
public enum Identifiers {
    /// Commune codes are ASCII slugs such as `long-dong` or `tt-bac-son`.
    public static func isCommuneCode(_ code: some StringProtocol) -> Bool {
        matches(code.utf8, maxLength: 32, allowsDot: false)
    }

    /// Task ids are short ASCII ids such as `4.1`.
    public static func isTaskID(_ id: some StringProtocol) -> Bool {
        matches(id.utf8, maxLength: 40, allowsDot: true)
    }

    private static func matches(_ bytes: some Collection<UInt8>, maxLength: Int, allowsDot: Bool) -> Bool {
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard let first = bytes.first, isAlphanumeric(first), bytes.count <= maxLength else { return false }
        return bytes.allSatisfy { byte in
            isAlphanumeric(byte) || byte == UInt8(ascii: "-") || (allowsDot && byte == UInt8(ascii: "."))
        }
    }
}
