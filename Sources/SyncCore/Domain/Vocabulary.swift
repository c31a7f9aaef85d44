/// A commune's status on a task.
public enum ProgressStatus: String, CaseIterable, Sendable, Codable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case done
    case blocked

    /// How an officer reads it.
    public var label: String {
        switch self {
        case .notStarted: return "Chưa bắt đầu"
        case .inProgress: return "Đang thực hiện"
        case .done: return "Hoàn thành"
        case .blocked: return "Gặp khó khăn"
        }
    }
}

/// What an equipment check is about: the four the notice names.
public enum EquipmentKind: String, CaseIterable, Sendable, Codable {
    case computer
    case printer
    case scanner
    case internet

    public var label: String {
        switch self {
        case .computer: return "Máy tính"
        case .printer: return "Máy in"
        case .scanner: return "Máy quét"
        case .internet: return "Đường truyền Internet"
        }
    }

    /// The label inside a sentence: "máy tính", "đường truyền Internet".
    public var lowercasedFirstWord: String { label.prefix(1).lowercased() + label.dropFirst() }

    /// Devices are counted; the internet line has a state instead.
    public var isDevice: Bool { self != .internet }
}

/// The state of a commune's internet line.
public enum InternetState: String, CaseIterable, Sendable, Codable {
    case ok
    case unstable
    case down

    public var label: String {
        switch self {
        case .ok: return "Ổn định"
        case .unstable: return "Chập chờn"
        case .down: return "Mất kết nối"
        }
    }
}

/// The index a task serves.
public enum TaskIndex: String, CaseIterable, Sendable, Codable {
    case par = "PAR"
    case ddci = "DDCI"
    case both = "PAR,DDCI"
}

/// What became of a change the hub received: the audit's `outcome`.
public enum AuditOutcome: String, CaseIterable, Sendable, Codable {
    /// It won and is the field's value (until a newer write).
    case applied
    /// A newer write already held the field: kept in the audit, beside the value kept.
    case lost
    /// The same change again (a retry): nothing to do.
    case duplicate
    /// Refused, with a stable code and a reason.
    case rejected

    init(_ merge: LastWriterWins.Outcome) {
        switch merge {
        case .applied: self = .applied
        case .lost: self = .lost
        case .duplicate: self = .duplicate
        }
    }

    /// How the district reads it in the audit trail.
    public var label: String {
        switch self {
        case .applied: return "Áp dụng"
        case .lost: return "Bị ghi đè (thua xung đột)"
        case .duplicate: return "Trùng lặp"
        case .rejected: return "Bị từ chối"
        }
    }

    /// The same in a table cell, where the column already says it is about conflicts.
    public var shortLabel: String {
        self == .lost ? "Bị ghi đè" : label
    }

    /// Whether the value the field kept belongs beside this one: it did not become the value.
    public var showsValueKept: Bool {
        self == .lost || self == .rejected
    }
}

/// When a PC's clock is far enough off the hub's that people should be told.
public enum ClockWarning {
    /// A minute: under it, nobody reading a report can tell; over it, an officer's times and
    /// the order of their writes start to mislead (and the screens say so).
    public static let thresholdMs: Int64 = 60_000

    /// Whether an offset (hub clock minus this PC's, in ms) warrants the warning.
    public static func applies(toOffset offsetMs: Int64) -> Bool {
        abs(offsetMs) > thresholdMs
    }
}

/// The district's decision on a commune's report of a task.
public enum ReviewDecision: String, CaseIterable, Sendable, Codable {
    case accepted
    case returned

    /// On the district's screens: what the district did.
    public var districtLabel: String {
        switch self {
        case .accepted: return "Đã chấp nhận"
        case .returned: return "Đã trả lại"
        }
    }

    /// On the commune's screens: what the district did to the commune's report.
    public var communeLabel: String {
        switch self {
        case .accepted: return "Huyện đã chấp nhận"
        case .returned: return "Huyện trả lại"
        }
    }

    /// The button an admin presses.
    public var actionLabel: String {
        switch self {
        case .accepted: return "Chấp nhận"
        case .returned: return "Trả lại"
        }
    }
}
