import Foundation
import SyncCore
import WebSupport

/// The self-assessment on the officer's screen: the year's areas with progress and totals,
/// then one page per area where each sub-criterion is scored, explained and given its evidence.
enum AssessmentPages {
    static func stateBadge(_ state: AssessmentState) -> HTML {
        let style = switch state {
        case .draft: "unknown"
        case .submitted: "warnbadge"
        case .returned: "offline"
        case .appraised: "online"
        }
        return "<span class=\"badge \(style)\">\(state.label)</span>"
    }

    /// The year at a glance: state, totals, rank, the district's note, each area's progress,
    /// and the submit form while the commune may submit.
    static func overview(_ assessment: CommuneAssessment, set: CriteriaSet, years: [Int], by: String, errors: [String], csrf: String) -> HTML {
        let year = assessment.year
        let yearLinks: HTML = years.count > 1
            ? "<p>Năm: \(years.map { $0 == year ? "<strong>\($0)</strong>" : "<a href=\"/assessment?year=\($0)\">\($0)</a>" as HTML }.joined(separator: " · "))</p>"
            : ""
        let rows = set.areas.map { area -> HTML in
            let leaves = set.leaves.filter { $0.id.hasPrefix(area.id + ".") }
            let scored = leaves.filter { assessment.criteria[$0.id]?.selfScore != nil }.count
            let totals = assessment.totals(of: area, in: set)
            let returned = leaves.contains { assessment.criteria[$0.id]?.comment != nil }
            return """
                <tr><td>\(area.id)</td><td><a href="/assessment/areas/\(area.id)?year=\(year)">\(area.title)</a>\(returned ? " <span class=\"badge warnbadge\">Có nhận xét của huyện</span>" as HTML : "")</td>
                <td class="num">\(scored)/\(leaves.count)</td>
                <td class="num">\(Points.text(totals.selfPoints)) / \(Points.text(area.max))</td>
                <td class="num">\(assessment.appraisedTotal == nil ? "—" : Points.text(totals.appraised))</td>
                <td><a class="button" href="/assessment/areas/\(area.id)?year=\(year)">\(assessment.state.communeMayEdit ? "Chấm điểm" : "Xem")</a></td></tr>
                """
        }.joined()
        let submit: HTML = assessment.state.communeMayEdit ? """
            <form method="post" action="/assessment/submit" class="report submit">
            <input type="hidden" name="csrf" value="\(csrf)"><input type="hidden" name="year" value="\(year)">
            <p>Khi đã chấm đủ \(set.leaves.count) tiêu chí thành phần, bấm <strong>Nộp</strong> để gửi huyện thẩm định. Sau khi nộp, xã không sửa được nữa trừ khi huyện trả lại.</p>
            <label>Người nộp <input type="text" name="by" required maxlength="100" value="\(by)"></label>
            <button type="submit">Nộp bản tự đánh giá</button>
            </form>
            """ : ""
        return """
            \(yearLinks)
            \(Pages.errorList(errors))
            <p>\(stateBadge(assessment.state)) · Đã chấm <strong>\(assessment.scored)/\(set.leaves.count)</strong> tiêu chí thành phần · Tự chấm <strong>\(Points.text(assessment.selfTotal))</strong> / \(Points.text(set.max)) điểm · Thẩm định <strong>\(assessment.appraisedTotal.map(Points.text) ?? "—")</strong> · Xếp hạng <strong>\(assessment.rank.map { String($0) } ?? "—")</strong></p>
            \(assessment.decisionNote.map { "<p class=\"note\">Ý kiến của huyện: \($0)</p>" as HTML })
            <p class="meta">\(set.title) (phiên bản \(assessment.version))\(set.note.map { ". " + $0 } ?? "")</p>
            <table>
            <thead><tr><th>Lĩnh vực</th><th></th><th>Đã chấm</th><th>Tự chấm</th><th>Thẩm định</th><th></th></tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            \(submit)
            """
    }

    /// One area: per sub-criterion its maximum, guidance, the commune's score, explanation and
    /// files, the district's appraisal and comment, and (while editable) the form that saves
    /// them, checked in the page by the browser and again by the store.
    static func area(_ area: Criterion, assessment: CommuneAssessment, set: CriteriaSet, files: [AgentAttachment],
                     values: [String: String], errors: [String], csrf: String) -> HTML {
        let year = assessment.year
        let editable = assessment.state.communeMayEdit
        let groups = area.children.map { criterion -> HTML in
            let leaves = criterion.isLeaf ? [criterion] : set.leaves.filter { $0.id.hasPrefix(criterion.id + ".") }
            let cards = leaves.map { leaf in
                card(leaf, assessment.criteria[leaf.id], year: year, files: files.filter { $0.file.task == "\(year)/\(leaf.id)" },
                     values: values["criterion"] == leaf.id ? values : [:], editable: editable, csrf: csrf)
            }.joined()
            return criterion.isLeaf ? cards : "<h2>\(criterion.id). \(criterion.title) <small class=\"meta\">(tối đa \(Points.text(criterion.max)))</small></h2>\(cards)"
        }.joined()
        let totals = assessment.totals(of: area, in: set)
        return """
            <p><a href="/assessment?year=\(year)">← Các lĩnh vực</a> · \(stateBadge(assessment.state)) · Tự chấm <strong>\(Points.text(totals.selfPoints))</strong> / \(Points.text(area.max)) điểm</p>
            \(Pages.errorList(errors))
            \(groups)
            """
    }

    private static func card(_ leaf: Criterion, _ score: CriterionScore?, year: Int, files: [AgentAttachment], values: [String: String],
                             editable: Bool, csrf: String) -> HTML {
        let decimal = { (value: Double) in Points.text(value).replacingOccurrences(of: ",", with: ".") }
        let fileList = files.map { attachment -> HTML in
            "<li><a href=\"/files/\(attachment.file.sha256)\">\(attachment.file.name)</a> <small class=\"upload-\(attachment.state.rawValue)\">\(attachment.stateLabel)</small></li>"
        }.joined()
        let appraisal: HTML? = score.flatMap { score in
            guard score.appraised != nil || score.comment != nil else { return nil }
            let appraised: HTML = score.appraised.map { "Điểm thẩm định: <strong>\(Points.text($0))</strong>" } ?? "Giữ điểm tự chấm"
            return "<p class=\"note\">Huyện: \(appraised)\(score.comment.map { " — \($0)" } ?? "")</p>"
        }
        let form: HTML = editable ? """
            <form method="post" action="/assessment/score" enctype="multipart/form-data" class="report">
            <input type="hidden" name="csrf" value="\(csrf)"><input type="hidden" name="year" value="\(year)"><input type="hidden" name="criterion" value="\(leaf.id)">
            <label>Điểm tự chấm (0 – \(Points.text(leaf.max))) <input type="number" name="score" required min="0" max="\(decimal(leaf.max))" step="\(leaf.step.map(decimal) ?? "0.01")" value="\(values["score"] ?? score?.selfScore.map(decimal) ?? "")"></label>
            <label>Giải trình\(leaf.requiresEvidence ? " (bắt buộc nếu không có tệp minh chứng)" : "") <textarea name="explain" rows="2" maxlength="4000">\(values["explain"] ?? score?.explain ?? "")</textarea></label>
            <label>Thêm tệp minh chứng <input type="file" name="file" accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff,.doc,.docx,.xls,.xlsx,.odt,.ods"></label>
            <label>Người chấm <input type="text" name="by" required maxlength="100" value="\(values["by"] ?? score?.by ?? "")"></label>
            <button type="submit">Lưu tiêu chí \(leaf.id)</button>
            </form>
            """ : ""
        return """
            <article class="criterion" id="c-\(leaf.id)">
            <h3>\(leaf.id). \(leaf.title) <small class="meta">tối đa \(Points.text(leaf.max)) điểm\(leaf.requiresEvidence ? " · cần minh chứng" : "")</small></h3>
            \(leaf.guidance.map { "<p class=\"meta\">Hướng dẫn: \($0)</p>" as HTML })
            <p>Tự chấm: <strong>\(score?.selfScore.map(Points.text) ?? "chưa chấm")</strong>\(score?.explain.map { " · Giải trình: \($0)" } ?? "")</p>
            \(fileList.markup.isEmpty ? "" : "<ul class=\"files\">\(fileList)</ul>" as HTML)
            \(appraisal)
            \(form)
            </article>
            """
    }
}
