import Foundation
import SyncCore
import WebSupport

/// The pages of the officer's screen, as HTML: every value is interpolated into `HTML`, so what
/// a person typed is escaped without anyone remembering to.
enum Pages {
    static func statusLabel(_ raw: String?) -> String {
        raw.flatMap(ProgressStatus.init(rawValue:))?.label ?? "Chưa bắt đầu"
    }

    /// "My tasks" of one year's plan: deadline, days left or late, status and percentage, the
    /// district's review; links to the other years' plans.
    static func tasks(_ tasks: [AgentTask], years: [Int], year: Int?, today: CalendarDay) -> HTML {
        let switcher: HTML = years.count > 1
            ? "<p>Kế hoạch năm: \(years.map { $0 == year ? "<strong>\($0)</strong>" : "<a href=\"/?year=\($0)\">\($0)</a>" as HTML }.joined(separator: " · "))</p>"
            : ""
        return "\(switcher)\(taskTable(tasks, today: today))"
    }

    private static func taskTable(_ tasks: [AgentTask], today: CalendarDay) -> HTML {
        guard !tasks.isEmpty else {
            return "<p>Chưa có nhiệm vụ nào. Bấm <em>Đồng bộ ngay</em> khi có mạng để nhận nhiệm vụ từ huyện.</p>"
        }
        let rows = tasks.map { task -> HTML in
            var due = "—"
            var late = false
            if let deadline = Deadline(task.deadline) {
                let days = deadline.daysLeft(from: today)
                if task.status == ProgressStatus.done.rawValue {
                    due = "Đã xong"
                } else if deadline.isLate(ProgressStatus(rawValue: task.status) ?? .notStarted, today: today) {
                    due = "Quá hạn \(-days) ngày"
                    late = true
                } else {
                    due = days == 0 ? "Hết hạn hôm nay" : "Còn \(days) ngày"
                }
            }
            let review: HTML
            switch task.review.flatMap(ReviewDecision.init(rawValue:)) {
            case .accepted?: review = "<span class=\"badge online\">\(ReviewDecision.accepted.communeLabel)</span>"
            case .returned?: review = "<span class=\"badge offline\">\(ReviewDecision.returned.communeLabel)</span> \(task.reviewNote ?? "")"
            case nil: review = ""
            }
            return """
                <tr class="\(late ? "late" : "")">
                <td>\(task.id)</td>
                <td>\(task.title)</td>
                <td>\(VietnameseFormat.day(task.deadline))</td>
                <td>\(due)</td>
                <td class="status-\(task.status)">\(statusLabel(task.status))</td>
                <td class="num">\(task.percent.map { "\($0)%" } ?? "")</td>
                <td>\(review)</td>
                <td><a class="button" href="/tasks/\(task.id)">Báo cáo</a></td>
                </tr>
                """
        }
        return """
            <table>
            <thead><tr><th>Mã</th><th>Nhiệm vụ</th><th>Hạn</th><th>Thời hạn</th><th>Trạng thái</th><th>Tỷ lệ</th><th>Huyện nhận xét</th><th></th></tr></thead>
            <tbody>\(rows.joined())</tbody>
            </table>
            """
    }

    /// The progress form for one task, filled with what was posted (after an error) or what
    /// the record holds.
    static func progressForm(task: TaskInfo, values: [String: String], errors: [String], csrf: String) -> HTML {
        let options = ProgressStatus.allCases.map { status -> HTML in
            "<option value=\"\(status.rawValue)\"\(values["status"] == status.rawValue ? " selected" : "")>\(status.label)</option>"
        }.joined()
        return """
            \(errorList(errors))
            <p class="detail">\(task.detail ?? "")</p>
            <p class="meta">\(task.source ?? "") · Hạn: \(VietnameseFormat.day(task.deadline))</p>
            <form method="post" action="/progress" class="report">
            <input type="hidden" name="csrf" value="\(csrf)">
            <input type="hidden" name="task" value="\(task.id)">
            <label>Trạng thái <select name="status" required>\(options)</select></label>
            <label>Tỷ lệ hoàn thành (%) <input type="number" name="percent" min="0" max="100" step="1" value="\(values["percent"] ?? "")"></label>
            <label>Ghi chú <textarea name="note" rows="3" maxlength="2000">\(values["note"] ?? "")</textarea></label>
            <label>Văn bản, minh chứng <input type="text" name="evidence" maxlength="500" placeholder="Ví dụ: Quyết định số 45/QĐ-UBND" value="\(values["evidence"] ?? "")"></label>
            <label>Người báo cáo <input type="text" name="by" required maxlength="100" value="\(values["by"] ?? "")"></label>
            <button type="submit">Lưu báo cáo</button>
            </form>
            """
    }

    /// A task's evidence files, where each one's bytes are, and the form that attaches another
    /// (field `file`, with `task` and `by`; no JavaScript needed).
    static func attachments(task: String, _ attachments: [AgentAttachment], by: String, csrf: String) -> HTML {
        let rows = attachments.map { attachment -> HTML in
            let file = attachment.file
            return """
                <tr>
                <td><a href="/files/\(file.sha256)">\(file.name)</a></td>
                <td>\(file.evidenceType?.label ?? file.type)</td>
                <td class="num">\(VietnameseFormat.bytes(file.size))</td>
                <td>\(file.by)</td>
                <td class="upload-\(attachment.state.rawValue)">\(attachment.stateLabel)</td>
                <td><form method="post" action="/attachments/remove" class="inline">
                <input type="hidden" name="csrf" value="\(csrf)"><input type="hidden" name="task" value="\(task)">
                <input type="hidden" name="sha256" value="\(file.sha256)"><input type="hidden" name="by" value="\(by)">
                <button type="submit" class="link">Gỡ</button></form></td>
                </tr>
                """
        }
        let list: HTML = attachments.isEmpty
            ? "<p>Chưa có tệp minh chứng nào.</p>"
            : """
                <table>
                <thead><tr><th>Tệp</th><th>Loại</th><th>Dung lượng</th><th>Người đính kèm</th><th>Trạng thái</th><th></th></tr></thead>
                <tbody>\(rows.joined())</tbody>
                </table>
                """
        return """
            <section class="attachments" aria-labelledby="attachments-title">
            <h2 id="attachments-title">Tệp minh chứng</h2>
            \(list)
            <form method="post" action="/attachments" enctype="multipart/form-data" class="report">
            <input type="hidden" name="csrf" value="\(csrf)">
            <input type="hidden" name="task" value="\(task)">
            <label>Tệp (PDF, ảnh quét, Word, Excel) <input type="file" name="file" required accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff,.doc,.docx,.xls,.xlsx,.odt,.ods"></label>
            <label>Người đính kèm <input type="text" name="by" required maxlength="100" value="\(by)"></label>
            <button type="submit">Đính kèm</button>
            </form>
            </section>
            """
    }

    /// One form for the four kinds, with the previous check beside each field.
    static func equipmentForm(previous: [EquipmentKind: [String: FieldValue]], values: [String: String], by: String,
                              errors: [String], csrf: String) -> HTML {
        func field(_ kind: EquipmentKind, _ name: String, _ label: String, _ input: HTML) -> HTML {
            let before = previous[kind]?[name].map { $0.isNull ? "" : $0.description } ?? ""
            let shown = name == "cost" ? Int64(before).map(VietnameseFormat.money) ?? before : before
            return "<label>\(label) \(input)<small class=\"previous\">Lần trước: \(shown.isEmpty ? "—" : shown)</small></label>"
        }
        func number(_ kind: EquipmentKind, _ name: String, _ label: String, max: Int64 = 100_000) -> HTML {
            let key = "\(kind.rawValue).\(name)"
            return field(kind, name, label, "<input type=\"number\" name=\"\(key)\" min=\"0\" max=\"\(max)\" step=\"1\" value=\"\(values[key] ?? "")\">")
        }
        let devices = EquipmentKind.allCases.filter(\.isDevice).map { kind -> HTML in
            """
            <fieldset><legend>\(kind.label)</legend>
            \(number(kind, "total", "Tổng số"))
            \(number(kind, "working", "Đang hoạt động"))
            \(number(kind, "broken", "Hỏng"))
            \(number(kind, "needed", "Cần bổ sung"))
            \(number(kind, "cost", "Dự toán kinh phí (đồng)", max: 1_000_000_000_000))
            </fieldset>
            """
        }.joined()
        let states = ([""] + InternetState.allCases.map(\.rawValue)).map { raw -> HTML in
            let label = InternetState(rawValue: raw)?.label ?? "— không đổi —"
            return "<option value=\"\(raw)\"\(values["internet.state"] == raw ? " selected" : "")>\(label)</option>"
        }.joined()
        let previousState = previous[.internet]?["state"]?.text.flatMap(InternetState.init(rawValue:))?.label ?? "—"
        return """
            \(errorList(errors))
            <p>Chỉ điền những loại đã kiểm tra; loại để trống giữ nguyên kết quả lần trước.</p>
            <form method="post" action="/equipment" class="report">
            <input type="hidden" name="csrf" value="\(csrf)">
            \(devices)
            <fieldset><legend>\(EquipmentKind.internet.label)</legend>
            <label>Tình trạng <select name="internet.state">\(states)</select><small class="previous">Lần trước: \(previousState)</small></label>
            \(field(.internet, "provider", "Nhà cung cấp", "<input type=\"text\" name=\"internet.provider\" maxlength=\"200\" value=\"\(values["internet.provider"] ?? "")\">"))
            \(field(.internet, "mbps", "Tốc độ (Mbps)", "<input type=\"number\" name=\"internet.mbps\" min=\"0\" step=\"any\" value=\"\(values["internet.mbps"] ?? "")\">"))
            </fieldset>
            <label>Ghi chú <textarea name="note" rows="2" maxlength="2000">\(values["note"] ?? "")</textarea></label>
            <label>Người kiểm tra <input type="text" name="by" required maxlength="100" value="\(values["by"] ?? by)"></label>
            <button type="submit">Lưu kết quả kiểm tra</button>
            </form>
            """
    }

    /// What this office changed, and what became of it.
    static func history(_ reports: [LocalReport], taskTitles: [String: String]) -> HTML {
        guard !reports.isEmpty else { return "<p>Máy này chưa ghi báo cáo nào.</p>" }
        let rows = reports.map { report -> HTML in
            let what: String
            let item = String(report.record.split(separator: "/").last ?? "")
            switch RecordCollection(rawValue: report.collection) {
            case .progress?: what = "Nhiệm vụ \(item): \(taskTitles[item] ?? "")"
            case .equipment?: what = "Kiểm tra \(EquipmentKind(rawValue: item)?.lowercasedFirstWord ?? item)"
            case .scores?: what = "Tự chấm tiêu chí \(item)"
            case .assessments?: what = "Nộp bản tự đánh giá năm \(item)"
            case .attachments?: what = "Tệp minh chứng \(report.values["name"]?.text ?? "")"
            case .proposals?: what = "Kiến nghị: \(report.values["topic"]?.text ?? "")"
            case .training?: what = "Đăng ký tập huấn: \(report.values["topic"]?.text ?? "")"
            default: what = report.record
            }
            let summary = summaryOrder.compactMap { key -> String? in
                guard let value = report.values[key], !value.isNull else { return nil }
                return "\(fieldLabel(key)): \(shown(value, field: key))"
            }.joined(separator: "; ")
            let state: HTML
            switch report.state {
            case .pending: state = "<span class=\"badge unknown\">Chờ gửi</span>"
            case .synced: state = "<span class=\"badge online\">Huyện đã nhận</span>"
            case .superseded(let by, _):
                state = "<span class=\"badge warnbadge\">Đã được thay bằng báo cáo khác</span> của \(by)"
            case .rejected(let code, let reason):
                state = "<span class=\"badge offline\">Huyện từ chối</span> \(SyncError.officerRefusal(code: code, reason: reason))"
            }
            return """
                <tr><td>\(VietnameseFormat.dateTime(millis: report.createdAt))</td><td>\(what)</td>
                <td>\(summary)</td><td>\(report.actor)</td><td>\(state)</td></tr>
                """
        }
        return """
            <table>
            <thead><tr><th>Lúc</th><th>Nội dung</th><th>Chi tiết</th><th>Người ghi</th><th>Kết quả</th></tr></thead>
            <tbody>\(rows.joined())</tbody>
            </table>
            """
    }

    /// The order fields are listed in, as on the forms.
    static let summaryOrder = ["status", "percent", "note", "evidence", "total", "working", "broken", "needed", "cost",
                               "state", "provider", "mbps", "score", "explain", "submitted", "text", "office", "people", "period"]

    /// A stored value as an officer reads it: statuses and states by their Vietnamese names,
    /// money with its dots.
    static func shown(_ value: FieldValue, field: String) -> String {
        switch field {
        case "status": return statusLabel(value.text)
        case "state": return value.text.flatMap(InternetState.init(rawValue:))?.label ?? value.description
        case "cost": return value.int.map(VietnameseFormat.money) ?? value.description
        case "percent": return "\(value)%"
        case "score": return value.number.map(Points.text) ?? value.description
        default: return value.description
        }
    }

    static func fieldLabel(_ field: String) -> String {
        [
            "status": "Trạng thái", "percent": "Tỷ lệ", "note": "Ghi chú", "evidence": "Minh chứng",
            "total": "Tổng số", "working": "Đang hoạt động", "broken": "Hỏng", "needed": "Cần bổ sung",
            "cost": "Dự toán", "state": "Tình trạng", "provider": "Nhà cung cấp", "mbps": "Tốc độ (Mbps)",
            "name": "Tên tệp", "size": "Dung lượng", "type": "Loại tệp", "at": "Thời điểm đính kèm",
            "score": "Điểm tự chấm", "explain": "Giải trình", "submitted": "Lần nộp",
            "text": "Nội dung", "office": "Gửi", "people": "Số người", "period": "Thời gian",
        ][field] ?? field
    }

    static func errorList(_ errors: [String]) -> HTML {
        guard !errors.isEmpty else { return "" }
        return "<div class=\"errors\" role=\"alert\"><p>Chưa lưu được:</p><ul>\(errors.map { "<li>\($0)</li>" as HTML }.joined())</ul></div>"
    }
}
