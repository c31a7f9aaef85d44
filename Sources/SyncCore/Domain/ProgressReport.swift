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
    public func writes(commune: String) throws -> [FieldWrite] {
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
        let percent = percent ?? (status == .done ? 100 : nil)
        let record = "\(commune)/\(task)"
        var values: [(String, FieldValue)] = [("status", .text(status.rawValue)), ("by", .text(by))]
        if let percent { values.append(("percent", .int(Int64(percent)))) }
        if let note { values.append(("note", .text(note.cleanedInput))) }
        if let evidence { values.append(("evidence", .text(evidence.cleanedInput))) }
        let writes = values.map { FieldWrite(collection: Collection.progress.rawValue, record: record, field: $0.0, value: $0.1) }
        try Schema.validateRecord(record, in: .progress)
        for write in writes {
            try Schema.validate(write.value, field: write.field, in: .progress)
        }
        return writes
    }
}
