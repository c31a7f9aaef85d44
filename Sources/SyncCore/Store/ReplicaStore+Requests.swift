import Foundation
import GRDB

extension ReplicaStore {
    /// Proposals, newest first, with their evidence files; one commune's, or all this replica holds.
    public func proposals(commune: String? = nil) async throws -> [Proposal] {
        try await read { [self] db in
            let prefix = commune.map { $0 + "/" } ?? ""
            var files: [String: [String]] = [:]
            for (record, fields) in try records(of: .attachments, prefix: prefix, db) {
                guard let file = EvidenceFile(record: record, fields: fields), let id = RecordSubject.proposalID(file.task) else { continue }
                files["\(file.commune)/\(id)", default: []].append(file.sha256)
            }
            return try records(of: .proposals, prefix: prefix, db).compactMap { record, fields in
                var proposal = Proposal(record: record, fields: fields)
                proposal?.attachments = (files[record] ?? []).sorted()
                return proposal
            }.sorted { ($0.at, $0.id) > ($1.at, $1.id) }
        }
    }

    /// Training requests, newest first; one commune's, or all this replica holds.
    public func trainingRequests(commune: String? = nil) async throws -> [TrainingRequest] {
        try await read { [self] db in
            try records(of: .training, prefix: commune.map { $0 + "/" } ?? "", db)
                .compactMap { TrainingRequest(record: $0.key, fields: $0.value) }
                .sorted { ($0.at, $0.id) > ($1.at, $1.id) }
        }
    }

    /// Planned training sessions, soonest first (an agent holds those its commune is invited to).
    public func sessions() async throws -> [TrainingSession] {
        try await read { [self] db in
            try records(of: .sessions, db).compactMap { TrainingSession(record: $0.key, fields: $0.value) }
                .sorted { ($0.date, $0.id) < ($1.date, $1.id) }
        }
    }
}
