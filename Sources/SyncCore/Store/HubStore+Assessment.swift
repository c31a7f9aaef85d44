import Foundation
import GRDB

/// What importing a criteria set did.
public enum CriteriaImport: Sendable, Equatable {
    /// The year's set is already exactly this one.
    case unchanged(version: Int64)
    /// No commune had scored against the year's set: it was corrected in place.
    case replaced(version: Int64)
    /// A new version: the first of the year, or one after a set communes had scored against.
    case newVersion(Int64)
}

/// One appraisal of a sub-criterion: the team's score (nil keeps the commune's) and comment.
public struct Appraisal: Sendable, Hashable {
    public var criterion: String
    public var score: Double?
    public var comment: String?

    public init(criterion: String, score: Double?, comment: String?) {
        self.criterion = criterion
        self.score = score
        self.comment = comment
    }
}

extension HubStore {
    /// Loads a year's criteria set. A set no commune has scored against is corrected in place;
    /// once one has, it is frozen, and a corrected set becomes the next version (scores carry
    /// the version they were given under).
    public func importCriteria(_ set: CriteriaSet, year: Int, actor: String) async throws -> CriteriaImport {
        guard Identifiers.isYear(year) else { throw SyncError(.invalidInput, "year \(year) is out of range") }
        try set.validate()
        let encoded = try set.encoded()
        let (result, record): (CriteriaImport, String) = try await read { [self] db in
            guard let (version, current) = try currentCriteriaSet(year: year, db) else {
                return (.newVersion(1), AssessmentRecords.criteria(year: year, version: 1))
            }
            if try current.encoded() == encoded { return (.unchanged(version: version), "") }
            let scored = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM fields WHERE collection = 'scores' AND field = 'version' AND value = ? AND record GLOB ?)
                """, arguments: [version, "*/\(year)/*"]) ?? false
            return scored ? (.newVersion(version + 1), AssessmentRecords.criteria(year: year, version: version + 1))
                : (.replaced(version: version), AssessmentRecords.criteria(year: year, version: version))
        }
        if case .unchanged = result { return result }
        try await recordDistrict([FieldWrite(collection: RecordCollection.criteria.rawValue, record: record, field: "set", value: .text(encoded))],
                                 actor: actor)
        return result
    }

    /// Every commune's assessment of a year, ranked, in commune order; nil when the year has
    /// no criteria set.
    public func assessments(year: Int) async throws -> (set: CriteriaSet, version: Int64, communes: [CommuneAssessment])? {
        try await read { [self] db in try assessments(year: year, db) }
    }

    private func assessments(year: Int, _ db: Database) throws -> (set: CriteriaSet, version: Int64, communes: [CommuneAssessment])? {
        guard let (version, set) = try currentCriteriaSet(year: year, db) else { return nil }
        let communes = try records(of: .communes, db).filter { $0.value[deletedField]?.int != 1 }
        let assessments = try communes.keys.sorted().map { code in
            try assessment(commune: code, name: communes[code]?["name"]?.text ?? code, year: year, version: version, set: set, db)
        }
        return (set, version, CommuneAssessment.ranked(assessments))
    }

    /// The appraisal team's scores and comments on a commune's submitted assessment, with the
    /// year's ranks written again where they change (the commune sees its rank after a sync).
    public func appraise(commune: String, year: Int, _ appraisals: [Appraisal], by: String) async throws {
        let by = by.cleanedInput
        guard !by.isEmpty else { throw SyncError(.invalidInput, "the appraiser's name (--by) is missing") }
        let (communeAssessment, set) = try await existingAssessment(commune: commune, year: year)
        guard communeAssessment.state != .draft else {
            throw SyncError(.assessmentClosed, "\(communeAssessment.name) has not submitted its \(year) self-assessment: there is nothing to appraise yet")
        }
        var writes: [FieldWrite] = []
        for appraisal in appraisals {
            guard let leaf = set.leaf(appraisal.criterion) else {
                throw SyncError(.unknownCriterion, "the \(year) criteria set has no sub-criterion \(appraisal.criterion)")
            }
            if let score = appraisal.score, let problem = leaf.problem(with: score) { throw SyncError(.invalidValue, problem) }
            let record = AssessmentRecords.score(commune: commune, year: year, criterion: leaf.id)
            let comment = appraisal.comment?.cleanedInput ?? ""
            for (field, value) in [("appraised", appraisal.score.map(FieldValue.number) ?? .null),
                                   ("comment", comment.isEmpty ? .null : .text(comment)), ("appraised_by", .text(by))] {
                try Schema.validate(value, field: field, in: .scores)
                writes.append(FieldWrite(collection: RecordCollection.scores.rawValue, record: record, field: field, value: value))
            }
        }
        try await recordDistrict(try await withRanks(writes, year: year), actor: by)
    }

    /// Returns a submitted assessment to its commune (it may change it and submit again) or
    /// closes it as appraised; either way with an optional note, and the year's ranks after.
    public func decide(commune: String, year: Int, _ decision: AssessmentDecision, note: String?, by: String) async throws {
        let by = by.cleanedInput
        guard !by.isEmpty else { throw SyncError(.invalidInput, "the appraiser's name (--by) is missing") }
        let (communeAssessment, _) = try await existingAssessment(commune: commune, year: year)
        guard communeAssessment.state == .submitted || communeAssessment.state == .appraised else {
            throw SyncError(.assessmentClosed, "\(communeAssessment.name)'s \(year) self-assessment is \(communeAssessment.state.rawValue): only a submitted or appraised one can be decided on")
        }
        let record = AssessmentRecords.assessment(commune: commune, year: year)
        let round = try await fields(of: .assessments, record: record)["submitted"]?.int ?? 1
        let note = note?.cleanedInput ?? ""
        var writes: [FieldWrite] = []
        for (field, value) in [("decided", FieldValue.int(round)), ("decision", .text(decision.rawValue)),
                               ("decision_note", note.isEmpty ? .null : .text(note)), ("decided_by", .text(by))] {
            try Schema.validate(value, field: field, in: .assessments)
            writes.append(FieldWrite(collection: RecordCollection.assessments.rawValue, record: record, field: field, value: value))
        }
        try await recordDistrict(try await withRanks(writes, year: year), actor: by)
    }

    private func existingAssessment(commune: String, year: Int) async throws -> (CommuneAssessment, CriteriaSet) {
        let found: (CommuneAssessment, CriteriaSet)? = try await read { [self] db in
            let fields = try fields(of: .communes, record: commune, db)
            guard !fields.isEmpty, fields[deletedField]?.int != 1 else {
                throw SyncError(.outOfScope, "no commune \(commune)")
            }
            return try assessment(commune: commune, name: fields["name"]?.text ?? commune, year: year, db)
        }
        guard let found else { throw SyncError(.unknownCriterion, "no criteria set for \(year): run `district-hub criteria import` first") }
        return found
    }

    /// `writes` plus the `rank` writes they cause: the year's assessments are ranked as they
    /// will be once `writes` are merged, and every commune whose stored rank differs gets the
    /// new one (null when it is no longer appraised).
    private func withRanks(_ writes: [FieldWrite], year: Int) async throws -> [FieldWrite] {
        try await read { [self] db in
            guard let (version, set) = try currentCriteriaSet(year: year, db) else { return writes }
            // Each commune's scores of the year, by sub-criterion, and its assessment record,
            // as they will be once `writes` are merged.
            var scores: [String: [String: [String: FieldValue]]] = [:]
            var states: [String: [String: FieldValue]] = [:]
            func add(_ collection: RecordCollection, _ record: String, _ fields: [String: FieldValue]) {
                guard let (commune, item) = Schema.recordParts(record) else { return }
                if collection == .scores, let (scoreYear, criterion) = AssessmentRecords.criterionSubject(item), scoreYear == year {
                    scores[String(commune), default: [:]][String(criterion), default: [:]].merge(fields) { $1 }
                } else if collection == .assessments, Int(item) == year {
                    states[String(commune), default: [:]].merge(fields) { $1 }
                }
            }
            for (record, fields) in try records(of: .scores, db) { add(.scores, record, fields) }
            for (record, fields) in try records(of: .assessments, db) { add(.assessments, record, fields) }
            for write in writes {
                if let collection = RecordCollection(rawValue: write.collection) { add(collection, write.record, [write.field: write.value]) }
            }
            let communes = try records(of: .communes, db).filter { $0.value[deletedField]?.int != 1 }.keys.sorted()
            let assessments = communes.map { code in
                CommuneAssessment(code: code, name: code, year: year, version: version, set: set, scores: scores[code] ?? [:],
                                  assessment: states[code] ?? [:], files: [:])
            }
            var result = writes
            for ranked in CommuneAssessment.ranked(assessments) {
                guard states[ranked.code]?["rank"]?.int != ranked.rank else { continue }
                result.append(FieldWrite(collection: RecordCollection.assessments.rawValue,
                                         record: AssessmentRecords.assessment(commune: ranked.code, year: year), field: "rank",
                                         value: ranked.rank.map(FieldValue.int) ?? .null))
            }
            return result
        }
    }

    /// Every change to one sub-criterion of a commune's assessment (scores, explanations,
    /// appraisals, refused writes included), oldest first.
    public func scoreHistory(commune: String, year: Int, criterion: String) async throws -> [AuditEntry] {
        try await audit(AuditFilter(commune: commune, collection: RecordCollection.scores.rawValue,
                                    record: AssessmentRecords.score(commune: commune, year: year, criterion: criterion)))
    }
}
