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
