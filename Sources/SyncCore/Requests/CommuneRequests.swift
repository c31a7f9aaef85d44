import Foundation

/// Where a commune's proposal stands at the district.
public enum ProposalState: String, Codable, Sendable, CaseIterable {
    /// Sent; no one at the district has taken it up.
    case new
    case inProgress = "in_progress"
    case answered

    public var label: String {
        switch self {
        case .new: "Mới"
        case .inProgress: "Đang xử lý"
        case .answered: "Đã trả lời"
        }
    }
}

/// A difficulty or proposal (khó khăn, vướng mắc, kiến nghị, đề xuất) a commune sends to a
/// district office, and the district's answer. Record `proposals/<commune>/<id>`: the commune
/// writes the question, the district the state and the answer.
public struct Proposal: Encodable, Sendable, Hashable {
    public var id: String
    public var commune: String
    public var topic: String
    public var text: String
    @NullWhenAbsent public var office: String?
    public var by: String
    /// When it was written, ISO 8601 UTC.
    public var at: String
    public var state: ProposalState
    @NullWhenAbsent public var answer: String?
    @NullWhenAbsent public var answeredBy: String?
    @NullWhenAbsent public var answeredAt: String?
    /// SHA-256 of its evidence files.
    public var attachments: [String] = []

    /// The proposal a record describes, or nil for a deleted or incomplete one.
    public init?(record: String, fields: [String: FieldValue]) {
        guard fields[deletedField]?.int != 1, let (commune, id) = Schema.recordParts(record),
            let topic = fields["topic"]?.text, let text = fields["text"]?.text
        else { return nil }
        self.id = String(id)
        self.commune = String(commune)
        self.topic = topic
        self.text = text
        office = fields["office"]?.text
        by = fields["by"]?.text ?? ""
        at = fields["at"]?.text ?? ""
        state = fields["state"]?.text.flatMap(ProposalState.init(rawValue:)) ?? .new
        answer = fields["answer"]?.text
        answeredBy = fields["answered_by"]?.text
        answeredAt = fields["answered_at"]?.text
    }
}

/// A commune's request for training or support (đăng ký tập huấn, hỗ trợ): a topic, how many
/// people, who, when suits them. Record `training/<commune>/<id>`; the district marks it planned
/// by naming the session it planned for it.
public struct TrainingRequest: Encodable, Sendable, Hashable {
    public enum State: String, Encodable, Sendable {
        case new
        case planned

        public var label: String { self == .new ? "Chờ huyện xếp lớp" : "Đã xếp lớp" }
    }

    public var id: String
    public var commune: String
    public var topic: String
    public var people: Int64
    @NullWhenAbsent public var names: String?
    @NullWhenAbsent public var period: String?
    public var by: String
    public var at: String
    public var state: State
    /// The planned session's id.
    @NullWhenAbsent public var session: String?
    /// The district's note to the commune.
    @NullWhenAbsent public var answer: String?

    public init?(record: String, fields: [String: FieldValue]) {
        guard fields[deletedField]?.int != 1, let (commune, id) = Schema.recordParts(record),
            let topic = fields["topic"]?.text, let people = fields["people"]?.int
        else { return nil }
        self.id = String(id)
        self.commune = String(commune)
        self.topic = topic
        self.people = people
        names = fields["names"]?.text
        period = fields["period"]?.text
        by = fields["by"]?.text ?? ""
        at = fields["at"]?.text ?? ""
        let session = fields["session"]?.text
        self.session = session
        answer = fields["answer"]?.text
        state = session == nil ? .new : .planned
    }
}

/// A training session the Interior Office plans from the requests: sent down to the communes
/// it invites. Record `sessions/<id>`, the district's.
public struct TrainingSession: Encodable, Sendable, Hashable {
    public var id: String
    public var topic: String
    /// `yyyy-MM-dd`.
    public var date: String
    public var place: String
    @NullWhenAbsent public var trainer: String?
    public var communes: TaskAssignment
    @NullWhenAbsent public var note: String?

    public init?(record: String, fields: [String: FieldValue]) {
        guard fields[deletedField]?.int != 1, let topic = fields["topic"]?.text, let date = fields["date"]?.text,
            let place = fields["place"]?.text,
            let communes = fields["communes"]?.text.flatMap(TaskAssignment.init(encoded:))
        else { return nil }
        id = record
        self.topic = topic
        self.date = date
        self.place = place
        trainer = fields["trainer"]?.text
        self.communes = communes
        note = fields["note"]?.text
    }

    /// "Dịch vụ công trực tuyến (15/01/2027, Hội trường UBND huyện)": how the periodic report
    /// lists a session and the audit names the one a request is placed in.
    public var name: String { Self.name(topic: topic, date: date, place: place) }

    /// The name from whichever of the day and place are known.
    public static func name(topic: String, date: String?, place: String?) -> String {
        let when = [date.map { VietnameseFormat.day($0) }, place].compactMap { $0 }
        return when.isEmpty ? topic : "\(topic) (\(when.joined(separator: ", ")))"
    }
}

/// New record ids for the requests: random, so two PCs of a commune writing offline never
/// pick the same one.
public enum RequestID {
    /// `prefix` and 12 hexadecimal digits, e.g. `p3fa91c07d2e4`.
    public static func new(_ prefix: Character) -> String {
        var generator = SystemRandomNumberGenerator()
        return String(prefix) + (0..<6).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexadecimal
    }
}

/// The district offices a proposal may be addressed to (the notice's), and the training topics
/// suggested on the screens; both accept other text.
public enum RequestVocabulary {
    public static let offices = [
        "Phòng Nội vụ", "Phòng Tài chính - Kế hoạch", "Phòng Văn hóa và Thông tin", "Văn phòng HĐND và UBND huyện",
        "Trung tâm Văn hóa, Thể thao và Truyền thông",
    ]

    public static let trainingTopics = [
        "Chỉ số cải cách hành chính (PAR INDEX)", "Chỉ số năng lực cạnh tranh (DDCI)", "Dịch vụ công trực tuyến",
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "Tiếp nhận, trả kết quả tại bộ phận một cửa",
        "Ứng dụng công nghệ thông tin, chữ ký số",
    ]

    /// How requests are grouped by topic: case, spacing and diacritics' forms ignored, so
    /// "Dịch vụ công  trực tuyến" and "dịch vụ công trực tuyến" are one topic.
    public static func topicKey(_ topic: String) -> String {
        topic.nfc.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
