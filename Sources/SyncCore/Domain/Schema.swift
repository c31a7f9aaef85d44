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
    /// A year's criteria set (bộ tiêu chí) for the commune-level PAR INDEX, whole in one field.
    /// Record id: `<year>/<version>`. Every commune hears of it.
    case criteria
    /// A commune's self-score of one sub-criterion and the appraisal beside it. Record id:
    /// `<commune>/<year>/<criterion>`.
    case scores
    /// A commune's self-assessment of a year as a whole: its submissions and the district's
    /// decisions and rank. Record id: `<commune>/<year>`.
    case assessments
    /// A commune's difficulty or proposal to a district office, and the answer. Record id:
    /// `<commune>/<id>` (`RequestID`).
    case proposals
    /// A commune's request for training or support. Record id: `<commune>/<id>`.
    case training
    /// A training session the district plans, heard of by the communes it invites (its
    /// `communes` field, as a task's). Record id: `<id>`.
    case sessions
    /// A district office's progress on a task of its own, reported on the dashboard by the
    /// office's account. Record id: `<office key>/<task>` (`OfficeKey`). The district's; no
    /// commune hears of it.
    case officeProgress
    /// An evidence file of a district office's report, attached on the dashboard. Record id:
    /// `<office key>/<task>/<sha256>`, with an `attachments` record's fields. The district's;
    /// no commune hears of it.
    case officeAttachments

    /// Whether the records are a commune's (`<commune>/<item>`), written by its nodes and heard
    /// of by its nodes only; the others are the district's.
    public var isCommunes: Bool {
        switch self {
        case .communes, .tasks, .criteria, .sessions, .officeProgress, .officeAttachments: false
        case .progress, .equipment, .attachments, .scores, .assessments, .proposals, .training: true
        }
    }

    /// Whether the communes that hear of a record are the ones its `communes` field names.
    public var isAssigned: Bool {
        self == .tasks || self == .sessions
    }
}

/// What a commune's record is about, beyond its commune: the hub checks each kind against
/// the state it depends on (a task's assignment, a year's criteria set and assessment).
public enum RecordSubject: Sendable, Hashable {
    /// A task the record reports on (progress, a task's evidence file).
    case task(Substring)
    /// A sub-criterion of a year's self-assessment (its score, its evidence file).
    case criterion(year: Int, id: Substring)
    /// A year's self-assessment as a whole.
    case assessment(year: Int)
    /// A proposal the record (an evidence file) supports: it must exist.
    case proposal(Substring)
    /// Nothing else to check (an equipment kind).
    case none

    /// The subject of a commune's record whose item (what follows `<commune>/`) is `item`,
    /// already checked by `Schema.validateRecord`.
    public init(_ collection: RecordCollection, item: Substring) {
        switch collection {
        case .progress: self = .task(item)
        case .attachments, .scores:
            if let (year, id) = AssessmentRecords.criterionSubject(item) {
                self = .criterion(year: year, id: id)
            } else if let id = Self.proposalID(item) {
                self = .proposal(id)
            } else {
                self = .task(item)
            }
        case .assessments: self = Int(item).map { .assessment(year: $0) } ?? .none
        case .communes, .tasks, .equipment, .criteria, .proposals, .training, .sessions, .officeProgress, .officeAttachments: self = .none
        }
    }
}

extension RecordSubject {
    /// The proposal id of an evidence file's subject `proposals/<id>`.
    public static func proposalID(_ item: some StringProtocol) -> Substring? {
        let text = Substring(item)
        guard text.hasPrefix("proposals/") else { return nil }
        let id = text.dropFirst("proposals/".count)
        return Identifiers.isCommuneCode(id) ? id : nil
    }
}

/// A district office's name as a record id: its letters without diacritics, lowercase, words
/// joined by dashes ("Phòng Tài chính - Kế hoạch" → `phong-tai-chinh-ke-hoach`).
public enum OfficeKey {
    public static func of(_ office: String) -> String {
        let plain = office.cleanedInput.replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
            .applyingTransform(.stripDiacritics, reverse: false)?.lowercased() ?? office.lowercased()
        let words = plain.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
        return String(words.joined(separator: "-").prefix(32))
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
        /// A whole criteria set as JSON (`CriteriaSet.encoded()`), checked as the import checks it.
        case criteriaSet
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
        case .criteria: criteriaFields[field]
        case .scores: scoreFields[field]
        case .assessments: assessmentFields[field]
        case .proposals: proposalFields[field]
        case .training: trainingFields[field]
        case .sessions: sessionFields[field]
        case .officeProgress: officeProgressFields[field]
        case .officeAttachments: officeAttachmentFields[field]
        }
    }

    /// An evidence file's fields, written by the district's office accounts.
    private static let officeAttachmentFields: [String: FieldSpec] = attachmentFields
        .mapValues { FieldSpec(kind: $0.kind, writer: .district) }

    /// A commune's report fields, written by the district's office accounts.
    private static let officeProgressFields: [String: FieldSpec] = progressFields
        .filter { !["review", "review_note", "reviewed_by"].contains($0.key) }
        .mapValues { FieldSpec(kind: $0.kind, writer: .district) }

    private static let proposalFields: [String: FieldSpec] = [
        "topic": FieldSpec(kind: .text(maxLength: 200, required: true), writer: .commune),
        "text": FieldSpec(kind: .text(maxLength: 4000, required: true), writer: .commune),
        /// The district office concerned, e.g. Phòng Tài chính - Kế hoạch.
        "office": FieldSpec(kind: .text(maxLength: 200, required: false), writer: .commune),
        "by": FieldSpec(kind: .text(maxLength: 100, required: true), writer: .commune),
        /// ISO 8601, UTC.
        "at": FieldSpec(kind: .text(maxLength: 40, required: true), writer: .commune),
        deletedField: FieldSpec(kind: .flag, writer: .commune),
        "state": FieldSpec(kind: .choice([ProposalState.inProgress.rawValue, ProposalState.answered.rawValue]), writer: .district),
        "answer": FieldSpec(kind: .text(maxLength: 4000, required: false), writer: .district),
        "answered_by": FieldSpec(kind: .text(maxLength: 100, required: false), writer: .district),
        "answered_at": FieldSpec(kind: .text(maxLength: 40, required: false), writer: .district),
    ]

    private static let trainingFields: [String: FieldSpec] = [
        "topic": FieldSpec(kind: .text(maxLength: 200, required: true), writer: .commune),
        "people": FieldSpec(kind: .integer(1...500), writer: .commune),
        /// Who would attend, with their positions.
        "names": FieldSpec(kind: .text(maxLength: 4000, required: false), writer: .commune),
        /// When suits the commune, e.g. "Quý III/2026".
        "period": FieldSpec(kind: .text(maxLength: 200, required: false), writer: .commune),
        "by": FieldSpec(kind: .text(maxLength: 100, required: true), writer: .commune),
        "at": FieldSpec(kind: .text(maxLength: 40, required: true), writer: .commune),
        deletedField: FieldSpec(kind: .flag, writer: .commune),
        /// The session planned for it (`sessions/<id>`).
        "session": FieldSpec(kind: .text(maxLength: 40, required: false), writer: .district),
        "answer": FieldSpec(kind: .text(maxLength: 2000, required: false), writer: .district),
    ]

    private static let sessionFields: [String: FieldSpec] = [
        "topic": FieldSpec(kind: .text(maxLength: 200, required: true), writer: .district),
        "date": FieldSpec(kind: .date, writer: .district),
        "place": FieldSpec(kind: .text(maxLength: 200, required: true), writer: .district),
        "trainer": FieldSpec(kind: .text(maxLength: 200, required: false), writer: .district),
        "communes": FieldSpec(kind: .assignment, writer: .district),
        "note": FieldSpec(kind: .text(maxLength: 2000, required: false), writer: .district),
        deletedField: FieldSpec(kind: .flag, writer: .district),
    ]

    private static let criteriaFields: [String: FieldSpec] = [
        "set": FieldSpec(kind: .criteriaSet, writer: .district),
    ]

    private static let scoreFields: [String: FieldSpec] = [
        "score": FieldSpec(kind: .number(0...1000), writer: .commune),
        "explain": FieldSpec(kind: .text(maxLength: 4000, required: false), writer: .commune),
        "version": FieldSpec(kind: .integer(1...1_000_000), writer: .commune),
        "by": FieldSpec(kind: .text(maxLength: 100, required: true), writer: .commune),
        "appraised": FieldSpec(kind: .number(0...1000), writer: .district),
        "comment": FieldSpec(kind: .text(maxLength: 2000, required: false), writer: .district),
        "appraised_by": FieldSpec(kind: .text(maxLength: 100, required: false), writer: .district),
    ]

    private static let assessmentFields: [String: FieldSpec] = [
        /// How many times the commune has submitted: the round the district decides on.
        "submitted": FieldSpec(kind: .integer(1...1_000_000), writer: .commune),
        "submitted_by": FieldSpec(kind: .text(maxLength: 100, required: true), writer: .commune),
        /// ISO 8601, UTC.
        "submitted_at": FieldSpec(kind: .text(maxLength: 40, required: true), writer: .commune),
        /// The round the district decided on, and how.
        "decided": FieldSpec(kind: .integer(1...1_000_000), writer: .district),
        "decision": FieldSpec(kind: .choice(AssessmentDecision.allCases.map(\.rawValue)), writer: .district),
        "decision_note": FieldSpec(kind: .text(maxLength: 4000, required: false), writer: .district),
        "decided_by": FieldSpec(kind: .text(maxLength: 100, required: false), writer: .district),
        /// Among the year's appraised communes, ties shared; null while not appraised.
        "rank": FieldSpec(kind: .integer(1...100_000), writer: .district),
    ]

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
        /// The year of the plan the task belongs to; without it, its deadline's year.
        "plan": FieldSpec(kind: .integer(2000...2100), writer: .district),
        /// The document that set the plan, e.g. the district's notice.
        "plan_source": FieldSpec(kind: .text(maxLength: 500, required: false), writer: .district),
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
        case .tasks, .criteria, .sessions, .officeProgress, .officeAttachments: return nil
        case .progress, .equipment, .attachments, .scores, .assessments, .proposals, .training:
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
            // `<commune>/<task>/<sha256>`, `<commune>/<year>/<criterion>/<sha256>` or
            // `<commune>/proposals/<id>/<sha256>`.
            if let (commune, rest) = recordParts(record), let slash = rest.utf8.lastIndex(of: UInt8(ascii: "/")) {
                let subject = rest[..<slash]
                parts = (commune, subject)
                valid = Identifiers.isCommuneCode(commune)
                    && (Identifiers.isTaskID(subject) || AssessmentRecords.criterionSubject(subject) != nil
                        || RecordSubject.proposalID(subject) != nil)
                    && EvidenceFile.isDigest(rest[rest.utf8.index(after: slash)...])
            } else {
                valid = false
            }
        case .criteria:
            valid = AssessmentRecords.criteriaParts(record) != nil
        case .proposals, .training:
            // `<commune>/<id>`.
            parts = recordParts(record)
            valid = parts.map { Identifiers.isCommuneCode($0.commune) && Identifiers.isCommuneCode($0.item) } ?? false
        case .sessions:
            valid = Identifiers.isCommuneCode(record)
        case .officeProgress:
            // `<office key>/<task>`.
            valid = recordParts(record).map { Identifiers.isCommuneCode($0.commune) && Identifiers.isTaskID($0.item) } ?? false
        case .officeAttachments:
            // `<office key>/<task>/<sha256>`.
            if let (office, rest) = recordParts(record), let slash = rest.utf8.lastIndex(of: UInt8(ascii: "/")) {
                valid = Identifiers.isCommuneCode(office) && Identifiers.isTaskID(rest[..<slash])
                    && EvidenceFile.isDigest(rest[rest.utf8.index(after: slash)...])
            } else {
                valid = false
            }
        case .scores, .assessments:
            // `<commune>/<year>/<criterion>`, `<commune>/<year>`.
            parts = recordParts(record)
            if let (commune, item) = parts {
                valid = Identifiers.isCommuneCode(commune)
                    && (collection == .scores ? AssessmentRecords.criterionSubject(item) != nil : Int(item).map(Identifiers.isYear) ?? false)
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
        case .criteriaSet:
            guard let text = value.text, text.utf8.count <= CriteriaSet.maxEncodedBytes, let set = try? CriteriaSet(encoded: text)
            else { throw invalid("phải là một bộ tiêu chí dạng JSON") }
            try set.validate()
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

    /// Criterion ids are dotted numbers: `1`, `1.2`, `1.2.3` (at most four levels).
    public static func isCriterionID(_ id: some StringProtocol) -> Bool {
        let parts = id.split(separator: ".", omittingEmptySubsequences: false)
        return (1...4).contains(parts.count) && parts.allSatisfy { part in
            (1...3).contains(part.utf8.count) && part.utf8.first != UInt8(ascii: "0")
                && part.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }
    }

    /// The years plans and assessments are for.
    public static func isYear(_ year: Int) -> Bool {
        (2000...2100).contains(year)
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
