import Foundation
import SyncCore

/// A self-assessment as both programs print it: the state, each area's points, the totals and
/// rank, then the district's comments.
public enum AssessmentText {
    public static func lines(_ assessment: CommuneAssessment, set: CriteriaSet) -> [String] {
        var lines = [
            "Tự đánh giá Chỉ số CCHC năm \(assessment.year) · \(assessment.name) · \(assessment.state.label)",
            "Bộ tiêu chí: \(set.title) (phiên bản \(assessment.version)); đã chấm \(assessment.scored)/\(set.leaves.count) tiêu chí thành phần",
        ]
        for area in set.areas {
            let totals = assessment.totals(of: area, in: set)
            let appraised = assessment.appraisedTotal == nil ? "" : "; thẩm định \(Points.text(totals.appraised))"
            lines.append("  \(area.id.padding(toLength: 3, withPad: " ", startingAt: 0)) \(area.title): tự chấm \(Points.text(totals.selfPoints))/\(Points.text(area.max))\(appraised)")
        }
        lines.append("Tổng tự chấm: \(Points.text(assessment.selfTotal))/\(Points.text(set.max)); điểm thẩm định: \(assessment.appraisedTotal.map(Points.text) ?? "chưa có"); xếp hạng: \(assessment.rank.map(String.init) ?? "chưa có")")
        if let note = assessment.decisionNote { lines.append("Ý kiến của huyện: \(note)") }
        for leaf in set.leaves {
            guard let score = assessment.criteria[leaf.id], score.appraised != nil || score.comment != nil else { continue }
            let appraised = score.appraised.map { "thẩm định \(Points.text($0)) (tự chấm \(score.selfScore.map(Points.text) ?? "—"))" } ?? "giữ điểm tự chấm"
            lines.append("  \(leaf.id): \(appraised)\(score.comment.map { " — \($0)" } ?? "")")
        }
        return lines
    }
}
