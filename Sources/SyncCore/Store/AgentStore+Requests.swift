import Foundation
import GRDB

/// What the district sent back to a commune: answers to its proposals, its training requests
/// and the sessions it is invited to, and the reports returned for correction.
public struct AgentInbox: Encodable, Sendable {
    public var proposals: [Proposal]
    public var training: [TrainingRequest]
    public var sessions: [TrainingSession]
    public var returned: [AgentTask]
}

extension AgentStore {
    /// Sends a difficulty or proposal to a district office: a new record, stored and queued.
    @discardableResult
    public func propose(topic: String, text: String, office: String?, by: String) async throws -> Proposal {
        let identity = try await agentIdentity()
        let record = "\(identity.commune)/\(RequestID.new("p"))"
        let office = office?.cleanedInput ?? ""
        let writes = try checked(.proposals, record: record, [
            ("topic", .text(topic.cleanedInput)), ("text", .text(text.cleanedInput)), ("office", office.isEmpty ? .null : .text(office)),
            ("by", .text(by.cleanedInput)), ("at", .text(nowISO())),
        ])
        let changes = try await self.record(writes, actor: by.cleanedInput, node: identity.node)
        return Proposal(record: record, fields: Dictionary(uniqueKeysWithValues: changes.map { ($0.field, $0.value) }))!
    }

    /// Asks for training or support on a topic for `people` officials.
    @discardableResult
    public func requestTraining(topic: String, people: Int, names: String?, period: String?, by: String) async throws -> TrainingRequest {
        let identity = try await agentIdentity()
        let record = "\(identity.commune)/\(RequestID.new("t"))"
        let names = names?.cleanedInput ?? "", period = period?.cleanedInput ?? ""
        let writes = try checked(.training, record: record, [
            ("topic", .text(topic.cleanedInput)), ("people", .int(Int64(people))), ("names", names.isEmpty ? .null : .text(names)),
            ("period", period.isEmpty ? .null : .text(period)), ("by", .text(by.cleanedInput)), ("at", .text(nowISO())),
        ])
        let changes = try await self.record(writes, actor: by.cleanedInput, node: identity.node)
        return TrainingRequest(record: record, fields: Dictionary(uniqueKeysWithValues: changes.map { ($0.field, $0.value) }))!
    }

    public func inbox() async throws -> AgentInbox {
        let identity = try await agentIdentity()
        let returned = try await agentTasks(commune: identity.commune).filter { $0.review == ReviewDecision.returned.rawValue }
        return AgentInbox(proposals: try await proposals(commune: identity.commune), training: try await trainingRequests(commune: identity.commune),
                          sessions: try await sessions(), returned: returned)
    }

    /// The writes of a new record, each checked against `Schema` with an officer's message.
    private func checked(_ collection: RecordCollection, record: String, _ values: [(String, FieldValue)]) throws -> [FieldWrite] {
        try Schema.validateRecord(record, in: collection)
        return try values.map { field, value in
            try RequestVocabulary.validate(value, field: field, in: collection)
            return FieldWrite(collection: collection.rawValue, record: record, field: field, value: value)
        }
    }

    private func nowISO() -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(clock.physical.now()) / 1000))
    }
}

extension RequestVocabulary {
    /// `Schema.validate`, with the field named as people name it ("Chủ đề: không được để trống").
    public static func validate(_ value: FieldValue, field: String, in collection: RecordCollection) throws {
        do {
            try Schema.validate(value, field: field, in: collection)
        } catch let error as SyncError {
            // Schema says "Giá trị không hợp lệ cho <field>: <why>".
            let why = error.message.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? error.message
            throw SyncError(error.code, "\(fieldLabel(field)): \(why)")
        }
    }

    /// A request's field as officers name it, for messages.
    public static func fieldLabel(_ field: String) -> String {
        switch field {
        case "topic": "Chủ đề"
        case "text": "Nội dung"
        case "office": "Cơ quan nhận"
        case "people": "Số người"
        case "names": "Danh sách người tham gia"
        case "period": "Thời gian mong muốn"
        case "by": "Người gửi"
        case "date": "Ngày"
        case "place": "Địa điểm"
        case "trainer": "Giảng viên"
        case "note": "Ghi chú"
        case "communes": "Xã được mời"
        default: field
        }
    }
}
