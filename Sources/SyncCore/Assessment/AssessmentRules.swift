import Foundation

/// What a commune may write in its self-assessment, judged the same way by the agent (before
/// storing, with its own copy) and by the hub (before merging, with the district's).
public enum AssessmentRules {
    /// Why the commune may not write `value` to `field`, or nil when it may. `set` is the
    /// year's current criteria set and `assessment` the fields of the commune's `assessments`
    /// record for the year, both as the judging replica holds them.
    public static func refusal(collection: RecordCollection, field: String, value: FieldValue, subject: RecordSubject,
                               set: CriteriaSet?, assessment: [String: FieldValue]) -> SyncError? {
        let year: Int
        switch subject {
        case .criterion(let subjectYear, _), .assessment(let subjectYear): year = subjectYear
        case .task, .proposal, .none: return nil
        }
        guard let set else {
            return SyncError(.unknownCriterion, "Chưa có bộ tiêu chí năm \(year): chờ huyện ban hành rồi đồng bộ.")
        }
        let state = AssessmentState(fields: assessment)
        switch subject {
        case .criterion(_, let id):
            guard let leaf = set.leaf(id) else {
                return SyncError(.unknownCriterion, "Bộ tiêu chí năm \(year) không có tiêu chí thành phần \(id).")
            }
            guard state.communeMayEdit else { return closed(year, state) }
            if collection == .scores, field == "score", let score = value.number, let problem = leaf.problem(with: score) {
                return SyncError(.invalidValue, problem)
            }
        case .assessment:
            guard state != .appraised else { return closed(year, state) }
            if field == "submitted", let round = value.int, round <= assessment["decided"]?.int ?? 0 {
                return SyncError(.assessmentClosed, "Huyện đã xử lý lần nộp này của bản tự đánh giá năm \(year): đồng bộ để xem ý kiến của huyện rồi nộp lại.")
            }
        case .task, .proposal, .none:
            break
        }
        return nil
    }

    private static func closed(_ year: Int, _ state: AssessmentState) -> SyncError {
        SyncError(.assessmentClosed, "Bản tự đánh giá năm \(year) \(state == .appraised ? "đã được thẩm định" : "đã nộp, đang chờ thẩm định"): không sửa được nữa trừ khi huyện trả lại.")
    }

    /// Why the commune may not submit: unscored sub-criteria, or a required one with neither
    /// evidence files nor an explanation. Nil when it may.
    public static func submitRefusal(_ assessment: CommuneAssessment, set: CriteriaSet) -> SyncError? {
        guard assessment.state.communeMayEdit else {
            return SyncError(.assessmentClosed, "Bản tự đánh giá năm \(assessment.year) \(assessment.state == .appraised ? "đã được thẩm định" : "đã nộp rồi").")
        }
        let leaves = set.leaves
        let unscored = leaves.filter { assessment.criteria[$0.id]?.selfScore == nil }.map(\.id)
        if !unscored.isEmpty {
            return SyncError(.invalidInput, "Còn \(unscored.count) tiêu chí chưa chấm điểm: \(unscored.prefix(10).joined(separator: ", "))\(unscored.count > 10 ? "…" : "").")
        }
        let unsupported = leaves.filter { leaf in
            guard leaf.requiresEvidence, let score = assessment.criteria[leaf.id] else { return false }
            return score.attachments.isEmpty && (score.explain ?? "").isEmpty
        }.map(\.id)
        if !unsupported.isEmpty {
            return SyncError(.invalidInput, "Tiêu chí \(unsupported.joined(separator: ", ")) cần tài liệu kiểm chứng hoặc lời giải trình.")
        }
        return nil
    }
}
