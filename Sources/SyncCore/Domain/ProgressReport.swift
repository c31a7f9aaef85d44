/// An officer's report on one task: what `commune-agent progress` and the local web form take.
public struct ProgressReport: Sendable {
    public var task: String
    public var status: ProgressStatus
    public var percent: Int?
    public var note: String?
    public var evidence: String?
    public var by: String

    public init(task: String, status: ProgressStatus, percent: Int? = nil, note: String? = nil,
                evidence: String? = nil, by: String) {
        self.task = task
        self.status = status
        self.percent = percent
        self.note = note
        self.evidence = evidence
        self.by = by
    }

    /// Parses the status as typed on the command line or posted by a form.
    public static func status(from text: String) throws -> ProgressStatus {
        guard let status = ProgressStatus(rawValue: text.cleanedInput) else {
            throw SyncError(.invalidInput, "Trạng thái không hợp lệ: \"\(text)\". Chọn một trong: "
                + ProgressStatus.allCases.map { "\($0.rawValue) (\($0.label))" }.joined(separator: ", "))
        }
        return status
    }

    /// The field writes of this report, checked; text is stored NFC. A report marked done
    /// without a percentage counts as 100 %.
    ///
    /// A report is written whole: every field, those not given carried over from the record's
    /// `current` values (or null). All carry one stamp, so when two machines report at once the
    /// later report wins as a whole and the district never sees one officer's status credited
    /// with another's percentage.
    public func writes(commune: String, current: [String: FieldValue]) throws -> [FieldWrite] {
        try writes(record: "\(commune)/\(task)", in: .progress, current: current)
    }

    /// The same report on a district office's task (`officeProgress/<office>/<task>`).
    public func writes(office: String, current: [String: FieldValue]) throws -> [FieldWrite] {
        try writes(record: "\(OfficeKey.of(office))/\(task)", in: .officeProgress, current: current)
    }

    private func writes(record: String, in collection: RecordCollection, current: [String: FieldValue]) throws -> [FieldWrite] {
        let by = by.cleanedInput
        guard !by.isEmpty else {
            throw SyncError(.invalidInput, "Thiếu người báo cáo (--by).")
        }
        if let percent, !(0...100).contains(percent) {
            throw SyncError(.invalidValue, "Tỷ lệ hoàn thành phải từ 0 đến 100, không phải \(percent).")
        }
        if status == .done, let percent, percent != 100 {
            throw SyncError(.invalidValue, "Nhiệm vụ đã hoàn thành thì tỷ lệ phải là 100%, không phải \(percent)%.")
        }
        let percentValue: FieldValue = percent.map { .int(Int64($0)) }
            ?? (status == .done ? .int(100) : current["percent"] ?? .null)
        let values: [(String, FieldValue)] = [
            ("status", .text(status.rawValue)),
            ("percent", percentValue),
            ("note", note.map { .text($0.cleanedInput) } ?? current["note"] ?? .null),
            ("evidence", evidence.map { .text($0.cleanedInput) } ?? current["evidence"] ?? .null),
            ("by", .text(by)),
        ] + Self.lifting(current)
        let writes = values.map { FieldWrite(collection: collection.rawValue, record: record, field: $0.0, value: $0.1) }
        try Schema.validateRecord(record, in: collection)
        for write in writes {
            try Schema.validate(write.value, field: write.field, in: collection)
        }
        return writes
    }

    /// A report on a deleted record brings it back: its tombstone is lifted in the same stamp.
    static func lifting(_ current: [String: FieldValue]) -> [(String, FieldValue)] {
        current[deletedField]?.int == 1 ? [(deletedField, .int(0))] : []
    }
}
