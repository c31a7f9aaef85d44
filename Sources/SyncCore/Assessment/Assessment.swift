import Foundation

/// Where a commune's self-assessment of a year stands. Derived, never stored: the commune
/// counts its submissions (`submitted`, a round number) and the district records which round
/// it decided on (`decided`) and how, so a PC that submits without having heard of the last
/// decision cannot undo it, and no clock is compared.
public enum AssessmentState: String, Codable, Sendable, CaseIterable {
    /// The commune is scoring; nothing submitted yet.
    case draft
    /// Submitted (nộp): frozen for the appraisal team.
    case submitted
    /// Sent back by the district with comments: the commune corrects and submits again.
    case returned
    /// Appraised (đã thẩm định): final, ranked.
    case appraised

    public var label: String {
        switch self {
        case .draft: "Đang tự chấm"
        case .submitted: "Đã nộp, chờ thẩm định"
        case .returned: "Huyện trả lại để bổ sung"
        case .appraised: "Đã thẩm định"
        }
    }

    /// Whether the commune may change its scores, explanations and files.
    public var communeMayEdit: Bool { self == .draft || self == .returned }

    /// The state an `assessments` record's fields describe.
    public init(fields: [String: FieldValue]) {
        let submitted = fields["submitted"]?.int ?? 0
        let decided = fields["decided"]?.int ?? 0
        if submitted == 0 {
            self = .draft
        } else if decided < submitted {
            self = .submitted
        } else {
            self = AssessmentDecision(rawValue: fields["decision"]?.text ?? "") == .appraised ? .appraised : .returned
        }
    }
}

/// What the appraisal team decides on a submitted assessment.
public enum AssessmentDecision: String, CaseIterable, Sendable {
    case returned
    case appraised

    public var label: String {
        switch self {
        case .returned: "Trả lại để bổ sung"
        case .appraised: "Hoàn thành thẩm định"
        }
    }
}

/// One sub-criterion of a commune's assessment: its self-score and the appraisal beside it.
public struct CriterionScore: Encodable, Sendable, Hashable {
    public var max: Double
    /// The commune's score (`self` in JSON).
    @NullWhenAbsent public var selfScore: Double?
    @NullWhenAbsent public var explain: String?
    /// The appraisal team's score, where it gave one; where not, the self-score stands.
    @NullWhenAbsent public var appraised: Double?
    @NullWhenAbsent public var comment: String?
    /// SHA-256 of the evidence files.
    public var attachments: [String]
    /// The set version the self-score was given under.
    @NullWhenAbsent public var version: Int64?
    @NullWhenAbsent public var by: String?

    enum CodingKeys: String, CodingKey {
        case max, selfScore = "self", explain, appraised, comment, attachments, version, by
    }

    /// What counts towards the appraised total.
    public var appraisedOrSelf: Double { appraised ?? selfScore ?? 0 }

    /// Whether the team scored it otherwise than the commune did.
    public var differs: Bool { appraised.map { Points.rounded($0) != Points.rounded(selfScore ?? 0) } ?? false }
}

/// A commune's assessment of a year, as `assessment --json` prints it and both screens show it.
public struct CommuneAssessment: Encodable, Sendable {
    public var code: String
    public var name: String
    public var year: Int
    /// The criteria set version the district holds for the year.
    public var version: Int64
    public var state: AssessmentState
    public var selfTotal: Double
    /// The appraised total: the team's scores, the commune's where the team gave none. Nil in draft.
    @NullWhenAbsent public var appraisedTotal: Double?
    /// Shared on ties (1, 2, 2, 4); only appraised assessments are ranked.
    @NullWhenAbsent public var rank: Int64?
    /// The district's comment on its last decision.
    @NullWhenAbsent public var decisionNote: String?
    public var scored: Int
    public var criteria: [String: CriterionScore]

    enum CodingKeys: String, CodingKey {
        case code, name, year, version, state, selfTotal, appraisedTotal, rank, decisionNote, scored, criteria
    }

    /// Builds it from the merged records of one commune and year: `scores` by criterion id,
    /// the `assessments` record, and the attachment digests by criterion id. `rank` is what
    /// the district wrote (the agent), or nil to be ranked by the caller (the hub).
    public init(code: String, name: String, year: Int, version: Int64, set: CriteriaSet, scores: [String: [String: FieldValue]],
                assessment: [String: FieldValue], files: [String: [String]]) {
        self.code = code
        self.name = name
        self.year = year
        self.version = version
        state = AssessmentState(fields: assessment)
        decisionNote = assessment["decision_note"]?.text
        rank = state == .appraised ? assessment["rank"]?.int : nil
        var criteria: [String: CriterionScore] = [:]
        var selfTotal = 0.0, appraisedTotal = 0.0, scored = 0
        for leaf in set.leaves {
            let fields = scores[leaf.id] ?? [:]
            let score = CriterionScore(max: leaf.max, selfScore: fields["score"]?.number, explain: fields["explain"]?.text,
                                       appraised: fields["appraised"]?.number, comment: fields["comment"]?.text,
                                       attachments: (files[leaf.id] ?? []).sorted(), version: fields["version"]?.int,
                                       by: fields["by"]?.text)
            if score.selfScore != nil { scored += 1 }
            selfTotal += score.selfScore ?? 0
            appraisedTotal += score.appraisedOrSelf
            criteria[leaf.id] = score
        }
        self.criteria = criteria
        self.scored = scored
        self.selfTotal = Points.rounded(selfTotal)
        self.appraisedTotal = state == .draft ? nil : Points.rounded(appraisedTotal)
    }

    /// The self and appraised points of one area.
    public func totals(of area: Criterion, in set: CriteriaSet) -> (selfPoints: Double, appraised: Double) {
        var result = (selfPoints: 0.0, appraised: 0.0)
        for leaf in set.leaves where leaf.id == area.id || leaf.id.hasPrefix(area.id + ".") {
            result.selfPoints += criteria[leaf.id]?.selfScore ?? 0
            result.appraised += criteria[leaf.id]?.appraisedOrSelf ?? 0
        }
        return (Points.rounded(result.selfPoints), Points.rounded(result.appraised))
    }

    /// Ranks appraised assessments by appraised total, ties sharing a rank ("1, 2, 2, 4");
    /// the others get none.
    public static func ranked(_ assessments: [CommuneAssessment]) -> [CommuneAssessment] {
        let totals = assessments.compactMap { $0.state == .appraised ? $0.appraisedTotal : nil }
        return assessments.map { assessment in
            var ranked = assessment
            if assessment.state == .appraised, let total = assessment.appraisedTotal {
                ranked.rank = Int64(totals.filter { $0 > total }.count + 1)
            } else {
                ranked.rank = nil
            }
            return ranked
        }
    }
}

/// The record ids of the assessment collections.
public enum AssessmentRecords {
    /// `criteria`: `<year>/<version>`.
    public static func criteria(year: Int, version: Int64) -> String { "\(year)/\(version)" }
    /// `scores`: `<commune>/<year>/<criterion>`; also the subject part of the criterion's
    /// `attachments` records (`<commune>/<year>/<criterion>/<sha256>`).
    public static func score(commune: String, year: Int, criterion: String) -> String { "\(commune)/\(year)/\(criterion)" }
    /// `assessments`: `<commune>/<year>`.
    public static func assessment(commune: String, year: Int) -> String { "\(commune)/\(year)" }

    /// The year and version of a `criteria` record id.
    public static func criteriaParts(_ record: some StringProtocol) -> (year: Int, version: Int64)? {
        let parts = record.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let year = Int(parts[0]), Identifiers.isYear(year), let version = Int64(parts[1]), version > 0,
            String(version) == parts[1]
        else { return nil }
        return (year, version)
    }

    /// The year and criterion of a subject `<year>/<criterion>` (a score's item).
    public static func criterionSubject(_ item: some StringProtocol) -> (year: Int, criterion: Substring)? {
        let text = Substring(item)
        guard let slash = text.firstIndex(of: "/"), let year = Int(text[..<slash]), Identifiers.isYear(year) else { return nil }
        let criterion = text[text.index(after: slash)...]
        guard Identifiers.isCriterionID(criterion) else { return nil }
        return (year, criterion)
    }
}
