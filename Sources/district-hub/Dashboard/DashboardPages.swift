import Foundation
import SyncCore

/// The dashboard's pages as HTML; everything people typed goes through `htmlEscaped`.
enum DashboardPages {
    static func layout(title: String, session: DashboardSession?, body: String) -> String {
        let nav = session.map { session in
            """
            <nav><a href="/">Tổng hợp</a><a href="/equipment">Thiết bị</a><a href="/audit">Nhật ký</a>
            <form method="post" action="/logout"><input type="hidden" name="csrf" value="\(session.csrf.htmlEscaped)">
            <span>\(session.user.htmlEscaped) (\(session.role == .admin ? "quản trị" : "xem"))</span>
            <button type="submit">Đăng xuất</button></form></nav>
            """
        } ?? ""
        return """
            <!doctype html>
            <html lang="vi">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title.htmlEscaped) · Theo dõi CCHC</title>
            <link rel="stylesheet" href="/assets/dashboard.css">
            </head>
            <body>
            <header><div class="brand">UBND huyện · Phòng Nội vụ<br><strong>Theo dõi cải cách hành chính</strong></div>\(nav)</header>
            <main>
            <h1>\(title.htmlEscaped)</h1>
            \(body)
            </main>
            </body>
            </html>
            """
    }

    static func login(error: String?, csrf: String, user: String) -> String {
        layout(title: "Đăng nhập", session: nil, body: """
            \(error.map { "<p class=\"errors\" role=\"alert\">\($0.htmlEscaped)</p>" } ?? "")
            <form method="post" action="/login" class="login">
            <input type="hidden" name="csrf" value="\(csrf.htmlEscaped)">
            <label>Tên đăng nhập <input type="text" name="user" required autocomplete="username" value="\(user.htmlEscaped)"></label>
            <label>Mật khẩu <input type="password" name="password" required autocomplete="current-password"></label>
            <button type="submit">Đăng nhập</button>
            </form>
            """)
    }

    /// One cell of the matrix: the commune's status on a task, coloured, late ones marked.
    struct Cell {
        var status: ProgressStatus
        var percent: Int64?
        var late: Bool
    }

    static func overview(_ overview: Overview, filters: [String: String], admin: Bool) -> String {
        func option(_ name: String, _ value: String, _ label: String) -> String {
            "<option value=\"\(value.htmlEscaped)\"\(filters[name] == value ? " selected" : "")>\(label.htmlEscaped)</option>"
        }
        let taskOptions = overview.allTasks.map { option("task", $0.id, "\($0.id) \($0.title.prefix(50))") }.joined()
        let statusOptions = ProgressStatus.allCases.map { option("status", $0.rawValue, $0.label) }.joined()
            + option("status", "late", "Quá hạn")
        let header = overview.tasks.map { task -> String in
            "<th title=\"\(task.title.htmlEscaped)\"><a href=\"/tasks/\(task.id.htmlEscaped)\">\(task.id.htmlEscaped)</a><br><small>hạn \(VietnameseFormat.day(task.deadline).htmlEscaped)</small></th>"
        }.joined()
        let rows = overview.communes.map { commune -> String in
            let cells = overview.tasks.map { task -> String in
                guard let cell = overview.cells[commune.code]?[task.id] else { return "<td class=\"hidden\"></td>" }
                let percent = cell.percent.map { " \($0)%" } ?? ""
                return "<td class=\"cell status-\(cell.status.rawValue)\(cell.late ? " late" : "")\">\(cell.status.label.htmlEscaped)\(percent)\(cell.late ? "<br><strong>Quá hạn</strong>" : "")</td>"
            }.joined()
            let done = overview.doneByCommune[commune.code, default: 0]
            return "<tr><th class=\"commune\"><a href=\"/communes/\(commune.code.htmlEscaped)\">\(commune.name.htmlEscaped)</a></th>\(cells)<td class=\"num\">\(done)/\(overview.tasks.count)</td></tr>"
        }.joined()
        let totals = overview.tasks.map { task in
            "<td class=\"num\">\(overview.doneByTask[task.id, default: 0])/\(overview.communes.count)</td>"
        }.joined()
        let query = filters.filter { !$0.value.isEmpty }.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "&")
        return """
            <form method="get" action="/" class="filters">
            <label>Nhiệm vụ <select name="task"><option value="">Tất cả</option>\(taskOptions)</select></label>
            <label>Chỉ số <select name="index"><option value="">Tất cả</option>\(option("index", "PAR", "PAR INDEX"))\(option("index", "DDCI", "DDCI"))</select></label>
            <label>Trạng thái <select name="status"><option value="">Tất cả</option>\(statusOptions)</select></label>
            <button type="submit">Lọc</button>
            <a class="button secondary" href="/export/overview.csv\(query.isEmpty ? "" : "?" + query.htmlEscaped)">Tải CSV</a>
            \(admin ? "<a class=\"button\" href=\"/tasks/new\">Thêm nhiệm vụ</a>" : "")
            </form>
            <p class="meta">Ngày \(overview.today.vietnamese): \(overview.communes.count) xã, thị trấn × \(overview.tasks.count) nhiệm vụ.</p>
            \(Charts.bars(overview.communes.map { Charts.Bar(label: $0.name, value: overview.doneByCommune[$0.code, default: 0], total: overview.cells[$0.code]?.count ?? 0) },
                          title: "Số nhiệm vụ đã hoàn thành theo xã", unit: "nhiệm vụ"))
            <table class="matrix">
            <thead><tr><th>Xã, thị trấn</th>\(header)<th>Hoàn thành</th></tr></thead>
            <tbody>\(rows)</tbody>
            <tfoot><tr><th>Số xã hoàn thành</th>\(totals)<td></td></tr></tfoot>
            </table>
            """
    }

    static func commune(_ status: CommuneStatus, tasks: [TaskInfo], nodes: [NodeInfo], history: [AuditEntry], today: CalendarDay) -> String {
        let progressRows = tasks.map { task -> String in
            let progress = status.progress[task.id] ?? [:]
            let state = progress["status"]?.text.flatMap(ProgressStatus.init(rawValue:)) ?? .notStarted
            let late = Overview.isLate(task: task, status: state, today: today)
            let review = progress["review"]?.text == "accepted" ? "Đã chấp nhận" : progress["review"]?.text == "returned" ? "Đã trả lại" : ""
            return """
                <tr><td>\(task.id.htmlEscaped)</td><td>\(task.title.htmlEscaped)</td><td>\(VietnameseFormat.day(task.deadline).htmlEscaped)</td>
                <td class="status-\(state.rawValue)\(late ? " late" : "")">\(state.label.htmlEscaped)\(late ? " · Quá hạn" : "")</td>
                <td class="num">\(progress["percent"]?.int.map { "\($0)%" } ?? "")</td>
                <td>\((progress["note"]?.text ?? "").htmlEscaped)</td><td>\((progress["evidence"]?.text ?? "").htmlEscaped)</td>
                <td>\((progress["by"]?.text ?? "").htmlEscaped)</td><td>\(review.htmlEscaped)</td></tr>
                """
        }.joined()
        let equipmentRows = EquipmentKind.allCases.map { kind -> String in
            let check = status.equipment[kind.rawValue] ?? [:]
            let detail: String
            if kind.isDevice {
                detail = "\(check["working"]?.description ?? "?")/\(check["total"]?.description ?? "?") hoạt động; cần thêm \(check["needed"]?.description ?? "0"); dự toán \(check["cost"]?.int.map(VietnameseFormat.money) ?? "—")"
            } else {
                let state = check["state"]?.text.flatMap(InternetState.init(rawValue:))?.label ?? "chưa kiểm tra"
                detail = "\(state); \(check["provider"]?.text ?? "—"); \(check["mbps"].map { "\($0) Mbps" } ?? "—")"
            }
            return "<tr><td>\(kind.label.htmlEscaped)</td><td>\(check.isEmpty ? "Chưa kiểm tra" : detail.htmlEscaped)</td><td>\(VietnameseFormat.day(check["checked_on"]?.text).htmlEscaped)</td><td>\((check["by"]?.text ?? "").htmlEscaped)</td></tr>"
        }.joined()
        let nodeRows = nodes.map { node -> String in
            let warning = node.clockOffsetMs.map { abs($0) > 60_000 ? " · đồng hồ \(VietnameseFormat.offset(millis: $0))" : "" } ?? ""
            let seen = node.lastSeenMillis.map { VietnameseFormat.dateTime(millis: $0) } ?? "chưa kết nối"
            return "<tr><td>\(node.node.htmlEscaped)</td><td>\((node.label ?? "").htmlEscaped)</td><td>\(seen.htmlEscaped)\(warning.htmlEscaped)</td><td>\(node.revokedAt == nil ? "" : "đã thu hồi")</td></tr>"
        }.joined()
        let historyRows = history.map { entry -> String in
            let outcome = entry.outcome.shortLabel
            let kept = entry.outcome == .lost ? " (giữ: \(entry.oldValue?.description ?? ""))" : ""
            return "<tr><td>\(entry.receivedAt.htmlEscaped)</td><td>\(entry.record.htmlEscaped) · \(entry.field.htmlEscaped)</td><td>\(entry.value.description.htmlEscaped)\(kept.htmlEscaped)</td><td>\(entry.actor.htmlEscaped)</td><td>\(outcome.htmlEscaped)\(entry.reason.map { ": " + $0 }?.htmlEscaped ?? "")</td></tr>"
        }.joined()
        return """
            <h2>Tiến độ nhiệm vụ</h2>
            <table><thead><tr><th>Mã</th><th>Nhiệm vụ</th><th>Hạn</th><th>Trạng thái</th><th>Tỷ lệ</th><th>Ghi chú</th><th>Minh chứng</th><th>Người báo cáo</th><th>Huyện</th></tr></thead><tbody>\(progressRows)</tbody></table>
            <h2>Thiết bị</h2>
            <table><thead><tr><th>Loại</th><th>Kết quả</th><th>Ngày kiểm tra</th><th>Người kiểm tra</th></tr></thead><tbody>\(equipmentRows)</tbody></table>
            <h2>Máy của xã</h2>
            <table><thead><tr><th>Mã máy</th><th>Máy</th><th>Kết nối lần cuối</th><th></th></tr></thead><tbody>\(nodeRows)</tbody></table>
            <h2>Thay đổi gần đây</h2>
            <table><thead><tr><th>Lúc (UTC)</th><th>Bản ghi</th><th>Giá trị</th><th>Người ghi</th><th>Kết quả</th></tr></thead><tbody>\(historyRows)</tbody></table>
            """
    }
}
