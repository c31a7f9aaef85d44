import Foundation
import SyncCore

/// The pages of the officer's screen, as HTML. Every value that came from a person goes
/// through `esc`.
enum Pages {
    static func statusLabel(_ raw: String?) -> String {
        raw.flatMap(ProgressStatus.init(rawValue:))?.label ?? "Chưa bắt đầu"
    }

    /// "My tasks": deadline, days left or late, status and percentage, the district's review.
    static func tasks(_ tasks: [AgentTask], today: CalendarDay) -> String {
        guard !tasks.isEmpty else {
            return "<p>Chưa có nhiệm vụ nào. Bấm <em>Đồng bộ ngay</em> khi có mạng để nhận nhiệm vụ từ huyện.</p>"
        }
        let rows = tasks.map { task -> String in
            var due = "—"
            var late = false
            if let deadline = task.deadline.flatMap(CalendarDay.init) {
                let days = today.days(until: deadline)
                if task.status == ProgressStatus.done.rawValue {
                    due = "Đã xong"
                } else if days < 0 {
                    due = "Quá hạn \(-days) ngày"
                    late = true
                } else {
                    due = days == 0 ? "Hết hạn hôm nay" : "Còn \(days) ngày"
                }
            }
            let review: String
            switch task.review {
            case "accepted": review = "<span class=\"badge online\">Huyện đã chấp nhận</span>"
            case "returned": review = "<span class=\"badge offline\">Huyện trả lại</span> \(esc(task.reviewNote ?? ""))"
            default: review = ""
            }
            return """
                <tr class="\(late ? "late" : "")">
                <td>\(esc(task.id))</td>
                <td>\(esc(task.title))</td>
                <td>\(esc(VietnameseFormat.day(task.deadline)))</td>
                <td>\(esc(due))</td>
                <td class="status-\(esc(task.status))">\(esc(statusLabel(task.status)))</td>
                <td class="num">\(task.percent.map { "\($0)%" } ?? "")</td>
                <td>\(review)</td>
                <td><a class="button" href="/tasks/\(esc(task.id))">Báo cáo</a></td>
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
    static func progressForm(task: TaskInfo, values: [String: String], errors: [String], csrf: String) -> String {
        let options = ProgressStatus.allCases.map { status -> String in
            "<option value=\"\(status.rawValue)\"\(values["status"] == status.rawValue ? " selected" : "")>\(esc(status.label))</option>"
        }.joined()
        return """
            \(errorList(errors))
            <p class="detail">\(esc(task.detail ?? ""))</p>
            <p class="meta">\(esc(task.source ?? "")) · Hạn: \(esc(VietnameseFormat.day(task.deadline)))</p>
            <form method="post" action="/progress" class="report">
            <input type="hidden" name="csrf" value="\(esc(csrf))">
            <input type="hidden" name="task" value="\(esc(task.id))">
            <label>Trạng thái <select name="status" required>\(options)</select></label>
            <label>Tỷ lệ hoàn thành (%) <input type="number" name="percent" min="0" max="100" step="1" value="\(esc(values["percent"] ?? ""))"></label>
            <label>Ghi chú <textarea name="note" rows="3" maxlength="2000">\(esc(values["note"] ?? ""))</textarea></label>
            <label>Văn bản, minh chứng <input type="text" name="evidence" maxlength="500" placeholder="Ví dụ: Quyết định số 45/QĐ-UBND" value="\(esc(values["evidence"] ?? ""))"></label>
            <label>Người báo cáo <input type="text" name="by" required maxlength="100" value="\(esc(values["by"] ?? ""))"></label>
            <button type="submit">Lưu báo cáo</button>
            </form>
            """
    }

    /// One form for the four kinds, with the previous check beside each field.
    static func equipmentForm(previous: [EquipmentKind: [String: FieldValue]], values: [String: String], by: String,
                              errors: [String], csrf: String) -> String {
        func field(_ kind: EquipmentKind, _ name: String, _ label: String, _ input: String) -> String {
            let before = previous[kind]?[name].map { $0.isNull ? "" : $0.description } ?? ""
            let shown = name == "cost" ? Int64(before).map(VietnameseFormat.money) ?? before : before
            return "<label>\(esc(label)) \(input)<small class=\"previous\">Lần trước: \(shown.isEmpty ? "—" : esc(shown))</small></label>"
        }
        func number(_ kind: EquipmentKind, _ name: String, _ label: String, max: Int64 = 100_000) -> String {
            let key = "\(kind.rawValue).\(name)"
            return field(kind, name, label, "<input type=\"number\" name=\"\(key)\" min=\"0\" max=\"\(max)\" step=\"1\" value=\"\(esc(values[key] ?? ""))\">")
        }
        let devices = EquipmentKind.allCases.filter(\.isDevice).map { kind -> String in
            """
            <fieldset><legend>\(esc(kind.label))</legend>
            \(number(kind, "total", "Tổng số"))
            \(number(kind, "working", "Đang hoạt động"))
            \(number(kind, "broken", "Hỏng"))
            \(number(kind, "needed", "Cần bổ sung"))
            \(number(kind, "cost", "Dự toán kinh phí (đồng)", max: 1_000_000_000_000))
            </fieldset>
            """
        }.joined()
        let states = ([""] + InternetState.allCases.map(\.rawValue)).map { raw -> String in
            let label = InternetState(rawValue: raw)?.label ?? "— không đổi —"
            return "<option value=\"\(raw)\"\(values["internet.state"] == raw ? " selected" : "")>\(esc(label))</option>"
        }.joined()
        let previousState = previous[.internet]?["state"]?.text.flatMap(InternetState.init(rawValue:))?.label ?? "—"
        return """
            \(errorList(errors))
            <p>Chỉ điền những loại đã kiểm tra; loại để trống giữ nguyên kết quả lần trước.</p>
            <form method="post" action="/equipment" class="report">
            <input type="hidden" name="csrf" value="\(esc(csrf))">
            \(devices)
            <fieldset><legend>\(esc(EquipmentKind.internet.label))</legend>
            <label>Tình trạng <select name="internet.state">\(states)</select><small class="previous">Lần trước: \(esc(previousState))</small></label>
            \(field(.internet, "provider", "Nhà cung cấp", "<input type=\"text\" name=\"internet.provider\" maxlength=\"200\" value=\"\(esc(values["internet.provider"] ?? ""))\">"))
            \(field(.internet, "mbps", "Tốc độ (Mbps)", "<input type=\"number\" name=\"internet.mbps\" min=\"0\" step=\"any\" value=\"\(esc(values["internet.mbps"] ?? ""))\">"))
            </fieldset>
            <label>Ghi chú <textarea name="note" rows="2" maxlength="2000">\(esc(values["note"] ?? ""))</textarea></label>
            <label>Người kiểm tra <input type="text" name="by" required maxlength="100" value="\(esc(values["by"] ?? by))"></label>
            <button type="submit">Lưu kết quả kiểm tra</button>
            </form>
            """
    }

    /// What this office changed, and what became of it.
    static func history(_ reports: [LocalReport], taskTitles: [String: String]) -> String {
        guard !reports.isEmpty else { return "<p>Máy này chưa ghi báo cáo nào.</p>" }
        let rows = reports.map { report -> String in
            let what: String
            let item = String(report.record.split(separator: "/").last ?? "")
            if report.collection == RecordCollection.progress.rawValue {
                what = "Nhiệm vụ \(item): \(taskTitles[item] ?? "")"
            } else {
                what = "Kiểm tra \(EquipmentKind(rawValue: item)?.lowercasedFirstWord ?? item)"
            }
            let summary = summaryOrder.compactMap { key -> String? in
                guard let value = report.values[key], !value.isNull else { return nil }
                return "\(fieldLabel(key)): \(shown(value, field: key))"
            }.joined(separator: "; ")
            let state: String
            switch report.state {
            case .pending: state = "<span class=\"badge unknown\">Chờ gửi</span>"
            case .synced: state = "<span class=\"badge online\">Huyện đã nhận</span>"
            case .superseded(let by, _):
                state = "<span class=\"badge warnbadge\">Đã được thay bằng báo cáo khác</span> của \(esc(by))"
            case .rejected(let code, let reason):
                state = "<span class=\"badge offline\">Huyện từ chối</span> \(esc(SyncError.officerRefusal(code: code, reason: reason)))"
            }
            return """
                <tr><td>\(esc(VietnameseFormat.dateTime(millis: report.createdAt)))</td><td>\(esc(what))</td>
                <td>\(esc(summary))</td><td>\(esc(report.actor))</td><td>\(state)</td></tr>
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
                               "state", "provider", "mbps"]

    /// A stored value as an officer reads it: statuses and states by their Vietnamese names,
    /// money with its dots.
    static func shown(_ value: FieldValue, field: String) -> String {
        switch field {
        case "status": return statusLabel(value.text)
        case "state": return value.text.flatMap(InternetState.init(rawValue:))?.label ?? value.description
        case "cost": return value.int.map(VietnameseFormat.money) ?? value.description
        case "percent": return "\(value)%"
        default: return value.description
        }
    }

    static func fieldLabel(_ field: String) -> String {
        [
            "status": "Trạng thái", "percent": "Tỷ lệ", "note": "Ghi chú", "evidence": "Minh chứng",
            "total": "Tổng số", "working": "Đang hoạt động", "broken": "Hỏng", "needed": "Cần bổ sung",
            "cost": "Dự toán", "state": "Tình trạng", "provider": "Nhà cung cấp", "mbps": "Tốc độ (Mbps)",
        ][field] ?? field
    }

    static func errorList(_ errors: [String]) -> String {
        guard !errors.isEmpty else { return "" }
        return "<div class=\"errors\" role=\"alert\"><p>Chưa lưu được:</p><ul>"
            + errors.map { "<li>\(esc($0))</li>" }.joined() + "</ul></div>"
    }
}
