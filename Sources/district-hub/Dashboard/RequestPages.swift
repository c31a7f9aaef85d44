import Foundation
import SyncCore
import WebSupport

/// The communes' proposals and training requests on the dashboard.
enum RequestPages {
    /// The inbox: filters by office and state; each proposal with its commune, text, files and
    /// the answer (a form for admins).
    static func proposals(_ proposals: [Proposal], communes: [String: String], files: [HubAttachment], filters: [String: String],
                          session: DashboardSession) -> HTML {
        func option(_ name: String, _ value: String, _ label: String) -> HTML {
            "<option value=\"\(value)\"\(filters[name] == value ? " selected" : "")>\(label)</option>"
        }
        let offices = Set(proposals.compactMap(\.office)).union(RequestVocabulary.offices).sorted()
        let counts = ProposalState.allCases.map { state in "\(state.label): \(proposals.filter { $0.state == state }.count)" }
        let shown = proposals.filter { proposal in
            (filters["office"].map { $0 == (proposal.office ?? "") } ?? true) && (filters["state"].map { $0 == proposal.state.rawValue } ?? true)
        }
        let rows = shown.map { proposal -> HTML in
            let attached = FilePages.links(files.filter { $0.file.commune == proposal.commune && $0.file.task == "proposals/\(proposal.id)" })
            let answer: HTML = session.role == .admin ? """
                <form method="post" action="/proposals/answer" class="inline answer">
                <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="commune" value="\(proposal.commune)"><input type="hidden" name="id" value="\(proposal.id)">
                <textarea name="answer" rows="2" maxlength="4000" aria-label="Trả lời">\(proposal.answer ?? "")</textarea>
                <button type="submit" name="state" value="in_progress" class="secondary">Đang xử lý</button>
                <button type="submit" name="state" value="answered">Trả lời</button>
                </form>
                """ : "\(proposal.answer ?? "")"
            return """
                <tr class="state-\(proposal.state.rawValue)"><td>\(VietnameseFormat.dateTime(iso: proposal.at))</td>
                <td><a href="/communes/\(proposal.commune)">\(communes[proposal.commune] ?? proposal.commune)</a><br><small class="meta">\(proposal.by)</small></td>
                <td><strong>\(proposal.topic)</strong><br>\(proposal.text) \(attached)</td><td>\(proposal.office ?? "—")</td>
                <td><span class="state state-\(proposal.state == .answered ? "appraised" : proposal.state == .inProgress ? "submitted" : "draft")">\(proposal.state.label)</span>
                \(proposal.answeredBy.map { "<br><small class=\"meta\">\($0)\(proposal.answeredAt.map { ", " + VietnameseFormat.dateTime(iso: $0) } ?? "")</small>" as HTML })</td>
                <td>\(answer)</td></tr>
                """
        }.joined()
        return """
            <p>\(counts.joined(separator: " · "))</p>
            <form method="get" action="/proposals" class="filters">
            <label>Cơ quan <select name="office"><option value="">Tất cả</option>\(offices.map { option("office", $0, $0) }.joined())</select></label>
            <label>Tình trạng <select name="state"><option value="">Tất cả</option>\(ProposalState.allCases.map { option("state", $0.rawValue, $0.label) }.joined())</select></label>
            <button type="submit">Lọc</button>
            </form>
            \(shown.isEmpty ? "<p>Không có kiến nghị nào.</p>" as HTML : """
            <table class="proposals"><thead><tr><th>Ngày</th><th>Xã</th><th>Nội dung</th><th>Gửi</th><th>Tình trạng</th><th>Trả lời</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """)
            """
    }

    /// Demand by topic with head counts, a form per topic to plan a session (the communes that
    /// asked ticked), and the sessions planned.
    static func training(_ demand: [TrainingDemand], sessions: [TrainingSession], communes: [(code: String, name: String)],
                         errors: [String], session: DashboardSession) -> HTML {
        let names = Dictionary(uniqueKeysWithValues: communes.map { ($0.code, $0.name) })
        let rows = demand.map { topic -> HTML in
            let detail = topic.requests.sorted { $0.commune < $1.commune }.map { request -> HTML in
                "<li>\(names[request.commune] ?? request.commune): \(request.people) người\(request.period.map { " · \($0)" } ?? "")\(request.names.map { " · \($0)" } ?? "") · \(request.state.label)</li>"
            }.joined()
            let plan: HTML = session.role == .admin ? """
                <details><summary>Lên kế hoạch lớp</summary>
                <form method="post" action="/training/sessions" class="task">
                <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="topic" value="\(topic.topic)">
                <label>Ngày <input type="date" name="date" required></label>
                <label>Địa điểm <input type="text" name="place" required maxlength="200"></label>
                <label>Giảng viên <input type="text" name="trainer" maxlength="200"></label>
                <fieldset><legend>Xã được mời</legend><div class="checks">\(communes.map { commune -> HTML in
                    "<label class=\"check\"><input type=\"checkbox\" name=\"commune.\(commune.code)\" value=\"1\"\(topic.communes.contains(commune.code) ? " checked" : "")> \(commune.name)</label>"
                }.joined())</div></fieldset>
                <label>Ghi chú <textarea name="note" rows="2" maxlength="2000"></textarea></label>
                <button type="submit">Lưu lớp tập huấn</button>
                </form></details>
                """ : ""
            return """
                <tr><td><strong>\(topic.topic)</strong><ul class="history">\(detail)</ul>\(plan)</td>
                <td class="num">\(topic.communes.count)</td><td class="num">\(topic.people)</td><td class="num">\(topic.waiting)</td></tr>
                """
        }.joined()
        let sessionRows = sessions.map { planned -> HTML in
            let invited: [String] = switch planned.communes {
            case .everyCommune: ["Tất cả các xã"]
            case .communes(let codes): codes.map { names[$0] ?? $0 }
            }
            return "<tr><td>\(VietnameseFormat.day(planned.date))</td><td>\(planned.topic)</td><td>\(planned.place)</td><td>\(planned.trainer ?? "")</td><td>\(invited.joined(separator: ", "))</td><td>\(planned.note ?? "")</td></tr>"
        }.joined()
        let errorList: HTML = errors.isEmpty ? "" : "<div class=\"errors\" role=\"alert\"><ul>\(errors.map { "<li>\($0)</li>" as HTML }.joined())</ul></div>"
        return """
            \(errorList)
            <h2>Nhu cầu tập huấn theo chủ đề</h2>
            \(demand.isEmpty ? "<p>Chưa xã nào đăng ký.</p>" as HTML : """
            <table><thead><tr><th>Chủ đề</th><th>Số xã</th><th>Số người</th><th>Chờ xếp lớp</th></tr></thead><tbody>\(rows)</tbody></table>
            """)
            <h2>Lớp đã lên kế hoạch</h2>
            \(sessions.isEmpty ? "<p>Chưa có lớp nào.</p>" as HTML : """
            <table><thead><tr><th>Ngày</th><th>Chủ đề</th><th>Địa điểm</th><th>Giảng viên</th><th>Xã được mời</th><th>Ghi chú</th></tr></thead><tbody>\(sessionRows)</tbody></table>
            """)
            """
    }
}
