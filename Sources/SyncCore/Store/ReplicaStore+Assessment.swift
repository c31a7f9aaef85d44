import Foundation
import GRDB

extension ReplicaStore {
    /// The newest version of a year's criteria set, as this replica holds it.
    func currentCriteriaSet(year: Int, _ db: Database) throws -> (version: Int64, set: CriteriaSet)? {
        var newest: (version: Int64, text: String)?
        for (record, fields) in try records(of: .criteria, prefix: "\(year)/", db) {
            guard let (_, version) = AssessmentRecords.criteriaParts(record), let text = fields["set"]?.text else { continue }
            if version > newest?.version ?? 0 { newest = (version, text) }
        }
        guard let newest else { return nil }
        return (newest.version, try CriteriaSet(encoded: newest.text))
    }

    /// The newest version of a year's criteria set, or nil when the year has none.
    public func criteriaSet(year: Int) async throws -> (version: Int64, set: CriteriaSet)? {
        try await read { [self] db in try currentCriteriaSet(year: year, db) }
    }

    /// The years that have a criteria set, newest first.
    public func assessmentYears() async throws -> [Int] {
        try await read { [self] db in
            Set(try records(of: .criteria, db).keys.compactMap { AssessmentRecords.criteriaParts($0)?.year }).sorted(by: >)
        }
    }

    /// The records of a collection whose ids start with `prefix`: a range of the `fields`
    /// primary key, not a scan.
    func records(of collection: RecordCollection, prefix: String, _ db: Database) throws -> [String: [String: FieldValue]] {
        var records: [String: [String: FieldValue]] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT record, field, value FROM fields WHERE collection = ? AND record >= ? AND record < ?
            """, arguments: [collection.rawValue, prefix, prefix + "\u{10FFFF}"])
        while let row = try rows.next() {
            records[row[0], default: [:]][row[1]] = FieldValue.fromDatabaseValue(row[2]) ?? .null
        }
        return records
    }

    /// One commune's assessment of a year, from the records this replica holds; nil when the
    /// year has no criteria set. The rank is the one the district wrote.
    func assessment(commune: String, name: String, year: Int, _ db: Database) throws -> (CommuneAssessment, CriteriaSet)? {
        guard let (version, set) = try currentCriteriaSet(year: year, db) else { return nil }
        return (try assessment(commune: commune, name: name, year: year, version: version, set: set, db), set)
    }

    /// The same, against a set the caller has read.
    func assessment(commune: String, name: String, year: Int, version: Int64, set: CriteriaSet, _ db: Database) throws -> CommuneAssessment {
        let prefix = "\(commune)/\(year)/"
        var scores: [String: [String: FieldValue]] = [:]
        for (record, fields) in try records(of: .scores, prefix: prefix, db) {
            scores[String(record.dropFirst(prefix.count))] = fields
        }
        var files: [String: [String]] = [:]
        for (record, fields) in try records(of: .attachments, prefix: prefix, db) {
            guard let file = EvidenceFile(record: record, fields: fields),
                let (_, criterion) = AssessmentRecords.criterionSubject(file.task)
            else { continue }
            files[String(criterion), default: []].append(file.sha256)
        }
        let assessment = try fields(of: .assessments, record: AssessmentRecords.assessment(commune: commune, year: year), db)
        return CommuneAssessment(code: commune, name: name, year: year, version: version, set: set, scores: scores,
                                 assessment: assessment, files: files)
    }
}
