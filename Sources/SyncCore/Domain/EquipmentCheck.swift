/// The result of checking one kind of equipment: what `commune-agent equipment` and the local
/// web form take. Only the fields given are written; the others keep their last value.
public struct EquipmentCheck: Sendable {
    public var kind: EquipmentKind
    public var total: Int?
    public var working: Int?
    public var broken: Int?
    public var needed: Int?
    /// Estimated cost of what is needed, in VND.
    public var cost: Int64?
    public var state: InternetState?
    public var provider: String?
    public var mbps: Double?
    public var note: String?
    /// The day of the check (`yyyy-MM-dd`); today in Vietnam when not given.
    public var checkedOn: CalendarDay?
    public var by: String

    public init(kind: EquipmentKind, total: Int? = nil, working: Int? = nil, broken: Int? = nil,
                needed: Int? = nil, cost: Int64? = nil, state: InternetState? = nil,
                provider: String? = nil, mbps: Double? = nil, note: String? = nil,
                checkedOn: CalendarDay? = nil, by: String) {
        self.kind = kind
        self.total = total
        self.working = working
        self.broken = broken
        self.needed = needed
        self.cost = cost
        self.state = state
        self.provider = provider
        self.mbps = mbps
        self.note = note
        self.checkedOn = checkedOn
        self.by = by
    }

    public static func kind(from text: String) throws -> EquipmentKind {
        guard let kind = EquipmentKind(rawValue: text.cleanedInput) else {
            throw SyncError(.invalidInput, "Loại thiết bị không hợp lệ: \"\(text)\". Chọn một trong: "
                + EquipmentKind.allCases.map { "\($0.rawValue) (\($0.label))" }.joined(separator: ", "))
        }
        return kind
    }

    public static func state(from text: String) throws -> InternetState {
        guard let state = InternetState(rawValue: text.cleanedInput) else {
            throw SyncError(.invalidInput, "Tình trạng đường truyền không hợp lệ: \"\(text)\". Chọn một trong: "
                + InternetState.allCases.map { "\($0.rawValue) (\($0.label))" }.joined(separator: ", "))
        }
        return state
    }

    /// The field writes of this check, validated against each other and against the record's
    /// current values (`current`), so that working never exceeds total after the write.
    ///
    /// A check is written whole: every field of its kind, those not given carried over from
    /// `current`, under one stamp. When two machines record a check at once the later one wins
    /// as a whole, so the merged counts stay consistent (working + broken ≤ total).
    public func writes(commune: String, current: [String: FieldValue], today: CalendarDay) throws -> [FieldWrite] {
        let by = by.cleanedInput
        guard !by.isEmpty else { throw SyncError(.invalidInput, "Thiếu người kiểm tra (--by).") }
        let counts: [(String, Int?)] = [("total", total), ("working", working), ("broken", broken), ("needed", needed)]
        let hasDeviceFields = counts.contains { $0.1 != nil } || cost != nil
        let hasLineFields = state != nil || provider != nil || mbps != nil
        if kind.isDevice && hasLineFields {
            throw SyncError(.invalidInput, "\(kind.label): chỉ nhập số lượng và chi phí; tình trạng, nhà cung cấp và tốc độ dành cho đường truyền Internet.")
        }
        if !kind.isDevice && hasDeviceFields {
            throw SyncError(.invalidInput, "Đường truyền Internet: chỉ nhập tình trạng, nhà cung cấp và tốc độ, không nhập số lượng hay chi phí.")
        }
        if !hasDeviceFields && !hasLineFields && note == nil {
            throw SyncError(.invalidInput, kind.isDevice
                ? "\(kind.label): cần ít nhất một trong tổng số, đang hoạt động, hỏng, cần bổ sung, chi phí."
                : "Đường truyền Internet: cần ít nhất một trong tình trạng, nhà cung cấp, tốc độ.")
        }
        for (name, value) in counts {
            if let value, value < 0 {
                throw SyncError(.invalidValue, "Số lượng \(Self.label(name)) không được âm (\(value)).")
            }
        }
        if let cost, cost < 0 { throw SyncError(.invalidValue, "Chi phí không được âm (\(cost)).") }
        if let mbps, !(mbps >= 0) { throw SyncError(.invalidValue, "Tốc độ không được âm.") }

        // The record as it will be after the write, for the rules that tie fields together.
        func after(_ field: String, _ given: Int?) -> Int? {
            given ?? current[field]?.int.map(Int.init)
        }
        if let total = after("total", total) {
            let working = after("working", working) ?? 0
            let broken = after("broken", broken) ?? 0
            if working > total {
                throw SyncError(.invalidValue, "Số đang hoạt động (\(working)) không được lớn hơn tổng số (\(total)).")
            }
            if working + broken > total {
                throw SyncError(.invalidValue, "Số đang hoạt động (\(working)) cộng số hỏng (\(broken)) không được lớn hơn tổng số (\(total)).")
            }
        }

        func carried(_ field: String, _ given: FieldValue?) -> (String, FieldValue) {
            (field, given ?? current[field] ?? .null)
        }
        var values: [(String, FieldValue)]
        if kind.isDevice {
            values = counts.map { name, value in carried(name, value.map { .int(Int64($0)) }) }
            values.append(carried("cost", cost.map { .int($0) }))
        } else {
            values = [
                carried("state", state.map { .text($0.rawValue) }),
                carried("provider", provider.map { .text($0.cleanedInput) }),
                carried("mbps", mbps.map { .number($0) }),
            ]
        }
        values.append(carried("note", note.map { .text($0.cleanedInput) }))
        values.append(("checked_on", .text((checkedOn ?? today).description)))
        values.append(("by", .text(by)))
        values += ProgressReport.lifting(current)
        let record = "\(commune)/\(kind.rawValue)"
        try Schema.validateRecord(record, in: .equipment)
        let writes = values.map { FieldWrite(collection: RecordCollection.equipment.rawValue, record: record, field: $0.0, value: $0.1) }
        for write in writes {
            try Schema.validate(write.value, field: write.field, in: .equipment)
        }
        return writes
    }

    private static func label(_ field: String) -> String {
        switch field {
        case "total": return "tổng số"
        case "working": return "đang hoạt động"
        case "broken": return "hỏng"
        default: return "cần bổ sung"
        }
    }
}
