import Foundation
import GRDB

extension AgentStore {
    /// The commune's assessment of `year` (by default the newest year with a criteria set),
    /// with the set it is scored against.
    public func assessment(year: Int? = nil) async throws -> (CommuneAssessment, CriteriaSet) {
        let identity = try await agentIdentity()
        let year = try await assessmentYear(year)
        return try await read { [self] db in
            let name = try fields(of: .communes, record: identity.commune, db)["name"]?.text ?? identity.commune
            guard let found = try assessment(commune: identity.commune, name: name, year: year, db) else {
                throw SyncError(.unknownCriterion, "Chưa có bộ tiêu chí năm \(year): chờ huyện ban hành rồi đồng bộ.")
            }
            return found
        }
    }

    /// `year`, or the newest year this PC has a criteria set for.
    public func assessmentYear(_ year: Int?) async throws -> Int {
        if let year {
            guard Identifiers.isYear(year) else { throw SyncError(.invalidInput, "Năm \(year) không hợp lệ.") }
            return year
        }
        guard let newest = try await assessmentYears().first else {
            throw SyncError(.unknownCriterion, "Máy này chưa có bộ tiêu chí nào: bấm Đồng bộ ngay khi có mạng để nhận từ huyện.")
        }
        return newest
    }

    /// Scores one sub-criterion: the score, the explanation (nil or the same text keeps the one
    /// stored, empty clears it) and the set version, in one stamp. Checked in the transaction that stores it
    /// against the set and the assessment's state, as the hub will check it; a sub-criterion
    /// that needs evidence must have files (attached before, see `attachFile`) or an explanation.
    public func assess(criterion: String, year: Int, score: Double, explain: String?, by: String) async throws {
        let identity = try await agentIdentity()
        let by = by.cleanedInput, explain = explain?.cleanedInput
        guard !by.isEmpty else { throw SyncError(.invalidInput, "Thiếu người chấm điểm (--by).") }
        let record = AssessmentRecords.score(commune: identity.commune, year: year, criterion: criterion)
        try await write { [self] db in
            guard let (version, set) = try currentCriteriaSet(year: year, db) else {
                throw SyncError(.unknownCriterion, "Chưa có bộ tiêu chí năm \(year): chờ huyện ban hành rồi đồng bộ.")
            }
            var writes = [
                FieldWrite(collection: RecordCollection.scores.rawValue, record: record, field: "score", value: .number(score)),
                FieldWrite(collection: RecordCollection.scores.rawValue, record: record, field: "version", value: .int(version)),
                FieldWrite(collection: RecordCollection.scores.rawValue, record: record, field: "by", value: .text(by)),
            ]
            let stored = try fields(of: .scores, record: record, db)["explain"]?.text ?? ""
            if let explain, explain != stored {
                writes.append(FieldWrite(collection: RecordCollection.scores.rawValue, record: record, field: "explain",
                                         value: explain.isEmpty ? .null : .text(explain)))
            }
            try check(writes, commune: identity.commune, year: year, set: set, db)
            if let leaf = set.leaf(criterion), leaf.requiresEvidence {
                let files = try records(of: .attachments, prefix: record + "/", db).values.filter { $0[deletedField]?.int != 1 }
                if (explain ?? stored).isEmpty && files.isEmpty {
                    throw SyncError(.invalidInput, "Tiêu chí \(criterion) cần tài liệu kiểm chứng: đính kèm tệp, hoặc ghi lời giải trình nếu không có.")
                }
            }
            _ = try self.record(writes, actor: by, node: identity.node, db)
        }
    }

    /// Submits (nộp) the year's self-assessment for appraisal: every sub-criterion scored, the
    /// ones that need it with evidence or an explanation. Counts the round on from the last
    /// one this PC knows of, submitted or decided.
    public func submitAssessment(year: Int, by: String) async throws -> CommuneAssessment {
        let identity = try await agentIdentity()
        let by = by.cleanedInput
        guard !by.isEmpty else { throw SyncError(.invalidInput, "Thiếu người nộp (--by).") }
        let now = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(clock.physical.now()) / 1000))
        return try await write { [self] db in
            let name = try fields(of: .communes, record: identity.commune, db)["name"]?.text ?? identity.commune
            guard let (assessment, set) = try assessment(commune: identity.commune, name: name, year: year, db) else {
                throw SyncError(.unknownCriterion, "Chưa có bộ tiêu chí năm \(year): chờ huyện ban hành rồi đồng bộ.")
            }
            if let refusal = AssessmentRules.submitRefusal(assessment, set: set) { throw refusal }
            let record = AssessmentRecords.assessment(commune: identity.commune, year: year)
            let current = try fields(of: .assessments, record: record, db)
            let round = max(current["submitted"]?.int ?? 0, current["decided"]?.int ?? 0) + 1
            let writes = [("submitted", FieldValue.int(round)), ("submitted_by", .text(by)), ("submitted_at", .text(now))].map {
                FieldWrite(collection: RecordCollection.assessments.rawValue, record: record, field: $0.0, value: $0.1)
            }
            try check(writes, commune: identity.commune, year: year, set: set, db)
            _ = try self.record(writes, actor: by, node: identity.node, db)
            return try self.assessment(commune: identity.commune, name: name, year: year, db)!.0
        }
    }

    /// Refuses, with the hub's words, writes the hub would refuse.
    func check(_ writes: [FieldWrite], commune: String, year: Int, set: CriteriaSet?, _ db: Database) throws {
        let assessment = try fields(of: .assessments, record: AssessmentRecords.assessment(commune: commune, year: year), db)
        for write in writes {
            guard let collection = RecordCollection(rawValue: write.collection),
                let (_, item) = try Schema.validateRecord(write.record, in: collection)
            else { throw SyncError(.invalidInput, "Mã bản ghi không hợp lệ: \(write.record)") }
            try Schema.validate(write.value, field: write.field, in: collection)
            if let refusal = AssessmentRules.refusal(collection: collection, field: write.field, value: write.value,
                                                     subject: RecordSubject(collection, item: item), set: set, assessment: assessment) {
                throw refusal
            }
        }
    }
}
