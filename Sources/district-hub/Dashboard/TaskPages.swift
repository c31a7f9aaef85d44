import Foundation
import SyncCore
import WebSupport

/// A task's page (every assigned commune's report, with the district's review) and the task
/// form admins create and edit tasks with.
enum TaskPages {
    static func task(_ task: TaskInfo, communes: [CommuneStatus], files: [HubAttachment], session: DashboardSession, today: CalendarDay) -> HTML {
        let admin = session.role == .admin
        let rows = communes.filter { task.assignment.includes($0.code) }.map { commune -> HTML in
            let progress = commune.progress[task.id] ?? [:]
            let state = progress["status"]?.text.flatMap(ProgressStatus.init(rawValue:)) ?? .notStarted
            let late = Deadline(task.deadline)?.isLate(state, today: today) ?? false
            let review: String
            switch progress["review"]?.text.flatMap(ReviewDecision.init(rawValue:)) {
            case .accepted?: review = ReviewDecision.accepted.districtLabel
            case .returned?: review = ReviewDecision.returned.districtLabel + ": " + (progress["review_note"]?.text ?? "")
            case nil: review = ""
            }
            let actions: HTML = admin && progress["status"] != nil ? """
                <form method="post" action="/review" class="inline">
                <input type="hidden" name="csrf" value="\(session.csrf)">
                <input type="hidden" name="commune" value="\(commune.code)">
                <input type="hidden" name="task" value="\(task.id)">
                <input type="text" name="comment" placeholder="Nhận xét" maxlength="2000">
                <button type="submit" name="decision" value="\(ReviewDecision.accepted.rawValue)">\(ReviewDecision.accepted.actionLabel)</button>
                <button type="submit" name="decision" value="\(ReviewDecision.returned.rawValue)" class="secondary">\(ReviewDecision.returned.actionLabel)</button>
                </form>
                """ : ""
            return """
                <tr><td><a href="/communes/\(commune.code)">\(commune.name)</a></td>
                <td class="status-\(state.rawValue)\(late ? " late" : "")">\(state.label)\(late ? " · Quá hạn" : "")</td>
                <td class="num">\(progress["percent"]?.int.map { "\($0)%" } ?? "")</td>
                <td>\(progress["note"]?.text ?? "")</td><td>\(progress["evidence"]?.text ?? "") \(FilePages.links(files.filter { $0.file.commune == commune.code }, withAuthor: true))</td>
                <td>\(progress["by"]?.text ?? "")</td><td>\(review)\(actions)</td></tr>
                """
        }.joined()
        let edit: HTML = admin ? "<p><a class=\"button secondary\" href=\"/tasks/\(task.id)/edit\">Sửa nhiệm vụ</a></p>" : ""
        return """
            <p class="meta">\(task.source ?? "") · Hạn \(VietnameseFormat.day(task.deadline)) · Chỉ số \(task.index ?? "—")</p>
            <p>\(task.detail ?? "")</p>
            \(edit)
            <table><thead><tr><th>Xã, thị trấn</th><th>Trạng thái</th><th>Tỷ lệ</th><th>Ghi chú</th><th>Minh chứng</th><th>Người báo cáo</th><th>Huyện xem xét</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
    }

    /// Create (no `task`) or edit a task. `values` hold what was posted after an error.
    static func form(task: TaskInfo?, values: [String: String], communes: [CommuneStatus], errors: [String], csrf: String) -> HTML {
        func value(_ name: String, _ current: String?) -> String { values[name] ?? current ?? "" }
        let assignment = task?.assignment
        let everyone = values.isEmpty ? (assignment == nil || assignment == .everyCommune) : values["communes"] == "*"
        let checks = communes.map { commune -> HTML in
            let checked = values.isEmpty ? (assignment.map { $0 != .everyCommune && $0.includes(commune.code) } ?? false)
                : values["commune." + commune.code] != nil
            return "<label class=\"check\"><input type=\"checkbox\" name=\"commune.\(commune.code)\" value=\"1\"\(checked ? " checked" : "")> \(commune.name)</label>"
        }.joined()
        let index = values["index"] ?? task?.index ?? "PAR"
        let indexOptions = TaskIndex.allCases.map { option -> HTML in
            "<option value=\"\(option.rawValue)\"\(index == option.rawValue ? " selected" : "")>\(option.rawValue)</option>"
        }.joined()
        let deadline = values["deadline"] ?? task?.deadline ?? ""
        let errorList: HTML? = errors.isEmpty ? nil
            : "<div class=\"errors\" role=\"alert\"><ul>\(errors.map { "<li>\($0)</li>" as HTML }.joined())</ul></div>"
        return """
            \(errorList)
            <form method="post" action="/tasks" class="task">
            <input type="hidden" name="csrf" value="\(csrf)">
            <input type="hidden" name="mode" value="\(task == nil ? "create" : "edit")">
            <label>Mã nhiệm vụ <input type="text" name="id" required maxlength="40" pattern="[a-z0-9][a-z0-9.\\-]*" value="\(value("id", task?.id))"\(task == nil ? "" : " readonly")></label>
            <label>Tên nhiệm vụ <input type="text" name="title" required maxlength="300" value="\(value("title", task?.title))"></label>
            <label>Nguồn (mục, đoạn của văn bản) <input type="text" name="source" maxlength="200" value="\(value("source", task?.source))"></label>
            <label>Hạn (năm-tháng-ngày) <input type="date" name="deadline" value="\(deadline)"></label>
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
