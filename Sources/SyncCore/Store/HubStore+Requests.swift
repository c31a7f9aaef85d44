import Foundation
import GRDB

/// The training requests of one topic, summed: what the Interior Office plans sessions from.
public struct TrainingDemand: Encodable, Sendable, Hashable {
    public var topic: String
    public var requests: [TrainingRequest]
    /// People asked for, in all.
    public var people: Int64
    /// The communes that asked, sorted.
    public var communes: [String]
    /// People in requests no session covers yet.
    public var waiting: Int64
}

extension HubStore {
    /// Takes up or answers a commune's proposal; the answer reaches the commune at its next sync.
    public func answerProposal(commune: String, id: String, state: ProposalState, answer: String?, by: String) async throws {
        let record = "\(commune)/\(id)"
        guard Proposal(record: record, fields: try await fields(of: .proposals, record: record)) != nil else {
            throw SyncError(.notFound, "no proposal \(id) of \(commune)")
        }
        let answer = answer?.cleanedInput ?? "", by = by.cleanedInput
        guard !by.isEmpty else { throw SyncError(.invalidInput, "who answers (--by) is missing") }
        guard state != .answered || !answer.isEmpty else { throw SyncError(.invalidInput, "an answered proposal needs its answer") }
        guard state != .new else { throw SyncError(.invalidInput, "a proposal cannot be made new again") }
        let now = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(clock.physical.now()) / 1000))
        var values: [(String, FieldValue)] = [("state", .text(state.rawValue)), ("answered_by", .text(by))]
        if !answer.isEmpty { values += [("answer", .text(answer)), ("answered_at", .text(now))] }
        let writes = try values.map { field, value in
            try Schema.validate(value, field: field, in: .proposals)
            return FieldWrite(collection: RecordCollection.proposals.rawValue, record: record, field: field, value: value)
        }
        try await recordDistrict(writes, actor: by)
    }

    /// The training requests grouped by topic (`RequestVocabulary.topicKey`), largest first.
    public func trainingDemand() async throws -> [TrainingDemand] {
        let groups = Dictionary(grouping: try await trainingRequests(), by: { RequestVocabulary.topicKey($0.topic) })
        return groups.map { key, requests in
            // Named as the screens suggest it when it is one of theirs, else as first written.
            let oldest = requests.min { ($0.at, $0.id) < ($1.at, $1.id) }!
            let topic = RequestVocabulary.trainingTopics.first { RequestVocabulary.topicKey($0) == key } ?? oldest.topic
            return TrainingDemand(topic: topic, requests: requests, people: requests.reduce(0) { $0 + $1.people },
                                  communes: Set(requests.map(\.commune)).sorted(),
                                  waiting: requests.filter { $0.session == nil }.reduce(0) { $0 + $1.people })
        }.sorted { ($0.people, $1.topic) > ($1.people, $0.topic) }
    }

    /// Plans a session on a topic for the invited communes: sent down to them, and the
    /// waiting requests of that topic from those communes marked as planned for it.
    @discardableResult
    public func planSession(topic: String, date: String, place: String, trainer: String?, communes: [String], note: String?,
                            by: String) async throws -> TrainingSession {
        let by = by.cleanedInput, topic = topic.cleanedInput
        guard !by.isEmpty else { throw SyncError(.invalidInput, "who plans (--by) is missing") }
        guard !communes.isEmpty else { throw SyncError(.invalidInput, "invite at least one commune") }
        let known = Set(try await records(of: .communes).filter { $0.value[deletedField]?.int != 1 }.keys)
        if let unknown = communes.first(where: { !known.contains($0) }) { throw SyncError(.outOfScope, "no commune \(unknown)") }
        let id = RequestID.new("s")
        let trainer = trainer?.cleanedInput ?? "", note = note?.cleanedInput ?? ""
        var writes = try [
            ("communes", FieldValue.text(TaskAssignment.communes(communes.sorted()).encoded)), ("topic", .text(topic)),
            ("date", .text(date.cleanedInput)), ("place", .text(place.cleanedInput)),
            ("trainer", trainer.isEmpty ? .null : .text(trainer)), ("note", note.isEmpty ? .null : .text(note)),
        ].map { field, value in
            try RequestVocabulary.validate(value, field: field, in: .sessions)
            return FieldWrite(collection: RecordCollection.sessions.rawValue, record: id, field: field, value: value)
        }
        let key = RequestVocabulary.topicKey(topic)
        for request in try await trainingRequests()
        where request.session == nil && communes.contains(request.commune) && RequestVocabulary.topicKey(request.topic) == key {
            writes.append(FieldWrite(collection: RecordCollection.training.rawValue, record: "\(request.commune)/\(request.id)",
                                     field: "session", value: .text(id)))
        }
        try await recordDistrict(writes, actor: by)
        return TrainingSession(record: id, fields: Dictionary(uniqueKeysWithValues: writes.filter { $0.collection == RecordCollection.sessions.rawValue }
            .map { ($0.field, $0.value) }))!
    }
}
