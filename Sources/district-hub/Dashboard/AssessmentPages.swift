import Foundation
import SyncCore
import WebSupport

/// The commune PAR INDEX on the dashboard: the results of a year (communes × areas, totals,
/// ranks, a chart) and one commune's assessment beside the appraisal team's form.
enum AssessmentPages {
    /// The years with a criteria set, as links; the shown one marked.
    static func yearSwitch(_ years: [Int], current: Int, path: String) -> HTML {
        guard years.count > 1 else { return "" }
        let links = years.map { year -> HTML in
            year == current ? "<strong>\(year)</strong>" : "<a href=\"\(path)?year=\(year)\">\(year)</a>"
        }.joined(separator: " · ")
        return "<p class=\"years\">Năm: \(links)</p>"
    }

    static func stateBadge(_ state: AssessmentState) -> HTML {
        "<span class=\"state state-\(state.rawValue)\">\(state.label)</span>"
    }

    /// Communes × areas: each area's self / appraised points, the totals and the rank.
    static func results(_ set: CriteriaSet, version: Int64, communes: [CommuneAssessment], years: [Int], year: Int) -> HTML {
        let areaHeads = set.areas.map { area -> HTML in "<th title=\"\(area.title)\">LV \(area.id)<br><small>\(Points.text(area.max))</small></th>" }.joined()
        let ordered = communes.sorted { ($0.rank ?? .max, $0.code) < ($1.rank ?? .max, $1.code) }
        let rows = ordered.map { assessment -> HTML in
            let cells = set.areas.map { area -> HTML in
                let totals = assessment.totals(of: area, in: set)
                let appraised: HTML = assessment.appraisedTotal == nil ? "" : " / <strong>\(Points.text(totals.appraised))</strong>"
                return "<td class=\"num\">\(Points.text(totals.selfPoints))\(appraised)</td>"
            }.joined()
            return """
                <tr><td><a href="/assessment/communes/\(assessment.code)?year=\(year)">\(assessment.name)</a></td>
                <td>\(stateBadge(assessment.state))</td>\(cells)
                <td class="num">\(Points.text(assessment.selfTotal))</td>
                <td class="num"><strong>\(assessment.appraisedTotal.map(Points.text) ?? "—")</strong></td>
                <td class="num">\(assessment.rank.map { String($0) } ?? "—")</td></tr>
                """
        }.joined()
        let appraised = ordered.filter { $0.state == .appraised }
        let chart: HTML = appraised.isEmpty ? "<p class=\"meta\">Chưa xã nào được thẩm định xong.</p>"
            : Charts.bars(appraised.map { Charts.Bar(label: $0.name, points: $0.appraisedTotal ?? 0, of: set.max) },
                          title: "Điểm thẩm định năm \(year)", unit: "điểm")
        let counts = AssessmentState.allCases.map { state in "\(state.label): \(communes.filter { $0.state == state }.count)" }
        return """
            \(yearSwitch(years, current: year, path: "/assessment"))
            <p class="meta">\(set.title) · phiên bản \(version) · \(set.leaves.count) tiêu chí thành phần · tối đa \(Points.text(set.max)) điểm\(set.note.map { " · " + $0 } ?? "")</p>
            <p>\(counts.joined(separator: " · "))</p>
            <p>\(Export.links("/assessment", query: "year=\(year)"))</p>
            \(chart)
            <table class="results"><thead><tr><th>Xã</th><th>Trạng thái</th>\(areaHeads)<th>Tự chấm</th><th>Thẩm định</th><th>Xếp hạng</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            <p class="meta">Mỗi ô: điểm tự chấm / <strong>điểm thẩm định</strong>. Tiêu chí tổ thẩm định không chấm lại giữ điểm tự chấm. Chỉ các xã đã thẩm định xong được xếp hạng; bằng điểm thì cùng hạng.</p>
            """
    }

    static func rows(_ set: CriteriaSet, communes: [CommuneAssessment]) -> [[String]] {
        var rows = [["Mã xã", "Xã", "Trạng thái"] + set.areas.flatMap { ["LV \($0.id) tự chấm", "LV \($0.id) thẩm định"] }
            + ["Tổng tự chấm", "Tổng thẩm định", "Xếp hạng"]]
        for assessment in communes {
            let areas = set.areas.flatMap { area -> [String] in
                let totals = assessment.totals(of: area, in: set)
                return [Points.text(totals.selfPoints), assessment.appraisedTotal == nil ? "" : Points.text(totals.appraised)]
            }
            rows.append([assessment.code, assessment.name, assessment.state.label] + areas
                + [Points.text(assessment.selfTotal), assessment.appraisedTotal.map(Points.text) ?? "", assessment.rank.map { String($0) } ?? ""])
        }
        return rows
    }

    /// One commune's assessment: every sub-criterion with its self-score, explanation and
    /// evidence, the appraisal beside it (a form for admins), differences marked, each one's
    /// history; then the decision.
    static func commune(_ assessment: CommuneAssessment, set: CriteriaSet, files: [HubAttachment], history: [String: [AuditEntry]],
                        session: DashboardSession) -> HTML {
        let admin = session.role == .admin && assessment.state != .draft
        let year = assessment.year
        let sections = set.areas.map { area -> HTML in
            let totals = assessment.totals(of: area, in: set)
            let rows = set.leaves.filter { $0.id.hasPrefix(area.id + ".") }.map { leaf -> HTML in
                row(leaf, assessment.criteria[leaf.id], files: files.filter { $0.file.task == "\(year)/\(leaf.id)" },
                    history: history[AssessmentRecords.score(commune: assessment.code, year: year, criterion: leaf.id)] ?? [], admin: admin)
            }.joined()
            return """
                <h2>\(area.id). \(area.title) <small class="meta">tự chấm \(Points.text(totals.selfPoints)) · thẩm định \(Points.text(totals.appraised)) / \(Points.text(area.max))</small></h2>
                <table class="appraisal"><thead><tr><th>Tiêu chí</th><th>Tối đa</th><th>Tự chấm</th><th>Giải trình, minh chứng</th><th>Thẩm định</th><th>Nhận xét của tổ thẩm định</th></tr></thead>
                <tbody>\(rows)</tbody></table>
                """
        }.joined()
        let summary: HTML = """
            <p>\(stateBadge(assessment.state)) · Tự chấm <strong>\(Points.text(assessment.selfTotal))</strong> · Thẩm định <strong>\(assessment.appraisedTotal.map(Points.text) ?? "—")</strong> / \(Points.text(set.max)) · Xếp hạng \(assessment.rank.map { String($0) } ?? "—") · Đã chấm \(assessment.scored)/\(set.leaves.count)</p>
            \(assessment.decisionNote.map { "<p class=\"note\">Ý kiến của huyện: \($0)</p>" as HTML })
            <p><a href="/assessment?year=\(year)">← Kết quả các xã năm \(year)</a></p>
            """
        guard admin else { return "\(summary)\(sections)" }
        let decide: HTML = """
            <form method="post" action="/assessment/decide" class="task decision">
            <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="commune" value="\(assessment.code)"><input type="hidden" name="year" value="\(year)">
            <fieldset><legend>Kết luận thẩm định</legend>
            <label class="check"><input type="radio" name="decision" value="returned" required> \(AssessmentDecision.returned.label)</label>
            <label class="check"><input type="radio" name="decision" value="appraised"> \(AssessmentDecision.appraised.label)</label>
            <label>Ý kiến gửi xã <textarea name="note" rows="2" maxlength="4000">\(assessment.decisionNote ?? "")</textarea></label>
            </fieldset>
            <button type="submit">Gửi kết luận</button>
            </form>
            """
        return """
            \(summary)
            <form method="post" action="/assessment/appraise" class="appraise">
            <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="commune" value="\(assessment.code)"><input type="hidden" name="year" value="\(year)">
            \(sections)
            <p><button type="submit">Lưu điểm thẩm định</button> <span class="meta">Chỉ những tiêu chí có thay đổi được ghi lại.</span></p>
            </form>
            \(decide)
            """
    }

    private static func row(_ leaf: Criterion, _ score: CriterionScore?, files: [HubAttachment], history: [AuditEntry], admin: Bool) -> HTML {
        let selfScore = score?.selfScore.map(Points.text) ?? "—"
        let shownAppraisal = (score?.appraised ?? score?.selfScore).map(Points.text) ?? ""
        let step = leaf.step.map { Points.text($0).replacingOccurrences(of: ",", with: ".") } ?? "0.01"
        let appraisal: HTML = admin
            ? "<input type=\"number\" name=\"score.\(leaf.id)\" min=\"0\" max=\"\(Points.text(leaf.max).replacingOccurrences(of: ",", with: "."))\" step=\"\(step)\" value=\"\(shownAppraisal.replacingOccurrences(of: ",", with: "."))\" aria-label=\"Điểm thẩm định \(leaf.id)\">"
            : "\(score?.appraised.map(Points.text) ?? "")"
        let comment: HTML = admin
            ? "<textarea name=\"comment.\(leaf.id)\" rows=\"2\" maxlength=\"2000\" aria-label=\"Nhận xét \(leaf.id)\">\(score?.comment ?? "")</textarea>"
            : "\(score?.comment ?? "")"
        let changes = historyChanges(history)
        let historyRows = changes.map { change -> HTML in
            let first = change[0]
            let parts = change.filter { shownFields.contains($0.field) }.map { entry in
                "\(fieldLabel(entry.field)): \(entry.value.isNull ? "(xóa)" : entry.value.number.map(Points.text) ?? entry.value.description)"
            }
            let outcome = first.outcome == .applied ? "" : " · \(first.outcome.shortLabel)\(first.reason.map { ": " + $0 } ?? "")"
            return "<li>\(VietnameseFormat.dateTime(millis: first.receivedAtMillis)) · \(first.actor) · \(parts.joined(separator: "; "))\(outcome)</li>"
        }.joined()
        let needs: HTML = leaf.requiresEvidence ? " <small class=\"meta\">(cần minh chứng)</small>" : ""
        return """
            <tr id="c-\(leaf.id)" class="\(score?.differs == true ? "differs" : "")">
            <td><strong>\(leaf.id)</strong> \(leaf.title)\(needs)\(leaf.guidance.map { "<br><small class=\"meta\">\($0)</small>" as HTML })
            \(changes.isEmpty ? "" : "<details><summary>Lịch sử (\(changes.count))</summary><ul class=\"history\">\(historyRows)</ul></details>" as HTML)</td>
            <td class="num">\(Points.text(leaf.max))</td>
            <td class="num">\(selfScore)</td>
            <td>\(score?.explain ?? "") \(FilePages.links(files, withAuthor: true))</td>
            <td class="num">\(appraisal)</td>
            <td>\(comment)</td>
            </tr>
            """
    }

    /// The fields a sub-criterion's history shows; who wrote and the set version go without saying.
    private static let shownFields: Set<String> = ["score", "explain", "appraised", "comment"]

    /// A sub-criterion's audit rows as the changes people made: the fields saved together
    /// (one stamp, one node), oldest first.
    static func historyChanges(_ history: [AuditEntry]) -> [[AuditEntry]] {
        var changes: [[AuditEntry]] = []
        for entry in history where shownFields.contains(entry.field) {
            if let last = changes.last?.last, last.stamp == entry.stamp, last.node == entry.node, last.outcome == entry.outcome {
                changes[changes.count - 1].append(entry)
            } else {
                changes.append([entry])
            }
        }
        return changes
    }

    static func fieldLabel(_ field: String) -> String {
        switch field {
        case "score": "tự chấm"
        case "explain": "giải trình"
        case "appraised": "thẩm định"
        case "comment": "nhận xét"
        default: field
        }
    }
}
