import Foundation
import SyncCore

/// A task's page (every assigned commune's report, with the district's review) and the task
/// form admins create and edit tasks with.
enum TaskPages {
    static func task(_ task: TaskInfo, communes: [CommuneStatus], session: DashboardSession, today: CalendarDay) -> String {
        let admin = session.role == .admin
        let rows = communes.filter { task.assignment.includes($0.code) }.map { commune -> String in
            let progress = commune.progress[task.id] ?? [:]
            let state = progress["status"]?.text.flatMap(ProgressStatus.init(rawValue:)) ?? .notStarted
            let late = Overview.isLate(task: task, status: state, today: today)
            let review: String
            switch progress["review"]?.text {
            case "accepted": review = "Đã chấp nhận"
            case "returned": review = "Đã trả lại: " + (progress["review_note"]?.text ?? "")
            default: review = ""
            }
            let actions = admin && progress["status"] != nil ? """
                <form method="post" action="/review" class="inline">
                <input type="hidden" name="csrf" value="\(session.csrf.htmlEscaped)">
                <input type="hidden" name="commune" value="\(commune.code.htmlEscaped)">
                <input type="hidden" name="task" value="\(task.id.htmlEscaped)">
                <input type="text" name="comment" placeholder="Nhận xét" maxlength="2000">
                <button type="submit" name="decision" value="accepted">Chấp nhận</button>
                <button type="submit" name="decision" value="returned" class="secondary">Trả lại</button>
                </form>
                """ : ""
            return """
                <tr><td><a href="/communes/\(commune.code.htmlEscaped)">\(commune.name.htmlEscaped)</a></td>
                <td class="status-\(state.rawValue)\(late ? " late" : "")">\(state.label.htmlEscaped)\(late ? " · Quá hạn" : "")</td>
                <td class="num">\(progress["percent"]?.int.map { "\($0)%" } ?? "")</td>
                <td>\((progress["note"]?.text ?? "").htmlEscaped)</td><td>\((progress["evidence"]?.text ?? "").htmlEscaped)</td>
                <td>\((progress["by"]?.text ?? "").htmlEscaped)</td><td>\(review.htmlEscaped)\(actions)</td></tr>
                """
        }.joined()
        let edit = admin ? "<p><a class=\"button secondary\" href=\"/tasks/\(task.id.htmlEscaped)/edit\">Sửa nhiệm vụ</a></p>" : ""
        return """
            <p class="meta">\((task.source ?? "").htmlEscaped) · Hạn \(VietnameseFormat.day(task.deadline).htmlEscaped) · Chỉ số \((task.index ?? "—").htmlEscaped)</p>
            <p>\((task.detail ?? "").htmlEscaped)</p>
            \(edit)
            <table><thead><tr><th>Xã, thị trấn</th><th>Trạng thái</th><th>Tỷ lệ</th><th>Ghi chú</th><th>Minh chứng</th><th>Người báo cáo</th><th>Huyện xem xét</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
    }

    /// Create (no `task`) or edit a task. `values` hold what was posted after an error.
    static func form(task: TaskInfo?, values: [String: String], communes: [CommuneStatus], errors: [String], csrf: String) -> String {
        func value(_ name: String, _ current: String?) -> String { (values[name] ?? current ?? "").htmlEscaped }
        let assignment = task?.assignment
        let everyone = values.isEmpty ? (assignment == nil || assignment == .everyCommune) : values["communes"] == "*"
        let checks = communes.map { commune -> String in
            let checked = values.isEmpty ? (assignment.map { $0 != .everyCommune && $0.includes(commune.code) } ?? false)
                : values["commune." + commune.code] != nil
            return "<label class=\"check\"><input type=\"checkbox\" name=\"commune.\(commune.code.htmlEscaped)\" value=\"1\"\(checked ? " checked" : "")> \(commune.name.htmlEscaped)</label>"
        }.joined()
        let index = values["index"] ?? task?.index ?? "PAR"
        let indexOptions = TaskIndex.allCases.map { option in
            "<option value=\"\(option.rawValue)\"\(index == option.rawValue ? " selected" : "")>\(option.rawValue)</option>"
        }.joined()
        let deadline = values["deadline"] ?? task?.deadline ?? ""
        return """
            \(errors.isEmpty ? "" : "<div class=\"errors\" role=\"alert\"><ul>" + errors.map { "<li>\($0.htmlEscaped)</li>" }.joined() + "</ul></div>")
            <form method="post" action="/tasks" class="task">
            <input type="hidden" name="csrf" value="\(csrf.htmlEscaped)">
            <input type="hidden" name="mode" value="\(task == nil ? "create" : "edit")">
            <label>Mã nhiệm vụ <input type="text" name="id" required maxlength="40" pattern="[a-z0-9][a-z0-9.\\-]*" value="\(value("id", task?.id))"\(task == nil ? "" : " readonly")></label>
            <label>Tên nhiệm vụ <input type="text" name="title" required maxlength="300" value="\(value("title", task?.title))"></label>
            <label>Nguồn (mục, đoạn của văn bản) <input type="text" name="source" maxlength="200" value="\(value("source", task?.source))"></label>
            <label>Hạn (năm-tháng-ngày) <input type="date" name="deadline" value="\(deadline.htmlEscaped)"></label>
            <label>Chỉ số <select name="index">\(indexOptions)</select></label>
            <label>Nội dung <textarea name="detail" rows="3" maxlength="4000">\(value("detail", task?.detail))</textarea></label>
            <fieldset><legend>Giao cho</legend>
            <label class="check"><input type="radio" name="communes" value="*"\(everyone ? " checked" : "")> Tất cả các xã, thị trấn</label>
            <label class="check"><input type="radio" name="communes" value="list"\(everyone ? "" : " checked")> Chỉ các xã đánh dấu:</label>
            <div class="checks">\(checks)</div>
            </fieldset>
            <button type="submit">Lưu nhiệm vụ</button>
            </form>
            """
    }
}
