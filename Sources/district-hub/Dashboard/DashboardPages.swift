import Foundation
import SyncCore
import WebSupport

/// The dashboard's pages as HTML: every value is interpolated into `HTML`, so what people typed
/// is escaped without anyone remembering to.
enum DashboardPages {
    static let shell = PageShell(site: "Theo dõi CCHC", stylesheet: "/assets/dashboard.css")

    /// A page: the header, with navigation and sign-out once signed in, then the content.
    static func layout(title: String, session: DashboardSession?, body: HTML) -> HTML {
        let nav = session.map { session -> HTML in
            """
            <nav><a href="/">Tổng hợp</a><a href="/equipment">Thiết bị</a><a href="/assessment">Chỉ số CCHC</a><a href="/proposals">Kiến nghị</a><a href="/training">Tập huấn</a><a href="/report">Báo cáo</a><a href="/audit">Nhật ký</a>\(session.role == .office ? "<a href=\"/office\">Báo cáo của phòng</a>" as HTML : "")
            <form method="post" action="/logout"><input type="hidden" name="csrf" value="\(session.csrf)">
            <span>\(session.user) (\(session.office ?? (session.role == .admin ? "quản trị" : "xem")))</span>
            <button type="submit">Đăng xuất</button></form></nav>
            """
        }
        let banner: HTML = "<header><div class=\"brand\">UBND huyện · Phòng Nội vụ<br><strong>Theo dõi cải cách hành chính</strong></div>\(nav)</header>"
        return shell.page(title: title, banner: banner, body: body)
    }

    static func login(error: String?, csrf: String, user: String) -> HTML {
        layout(title: "Đăng nhập", session: nil, body: """
            \(error.map { "<p class=\"errors\" role=\"alert\">\($0)</p>" as HTML })
            <form method="post" action="/login" class="login">
            <input type="hidden" name="csrf" value="\(csrf)">
            <label>Tên đăng nhập <input type="text" name="user" required autocomplete="username" value="\(user)"></label>
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

    static func overview(_ overview: Overview, filters: [String: String], admin: Bool) -> HTML {
        func option(_ name: String, _ value: String, _ label: String) -> HTML {
            "<option value=\"\(value)\"\(filters[name] == value ? " selected" : "")>\(label)</option>"
        }
        let taskOptions = overview.allTasks.map { option("task", $0.id, "\($0.id) \($0.title.prefix(50))") }.joined()
        let statusOptions = (ProgressStatus.allCases.map { option("status", $0.rawValue, $0.label) } + [option("status", "late", "Quá hạn")])
            .joined()
        let header = overview.tasks.map { task -> HTML in
            "<th title=\"\(task.title)\"><a href=\"/tasks/\(task.id)\">\(task.id)</a><br><small>hạn \(VietnameseFormat.day(task.deadline))</small></th>"
        }.joined()
        let rows = overview.communes.map { commune -> HTML in
            let cells = overview.tasks.map { task -> HTML in
                guard let cell = overview.cells[commune.code]?[task.id] else { return "<td class=\"hidden\"></td>" }
                let percent = cell.percent.map { " \($0)%" } ?? ""
                return "<td class=\"cell status-\(cell.status.rawValue)\(cell.late ? " late" : "")\">\(cell.status.label)\(percent)\(cell.late ? "<br><strong>Quá hạn</strong>" as HTML : "")</td>"
            }.joined()
            let done = overview.doneByCommune[commune.code, default: 0]
            return "<tr><th class=\"commune\"><a href=\"/communes/\(commune.code)\">\(commune.name)</a></th>\(cells)<td class=\"num\">\(done)/\(overview.tasks.count)</td></tr>"
        }.joined()
        let totals = overview.tasks.map { task -> HTML in
            "<td class=\"num\">\(overview.doneByTask[task.id, default: 0])/\(overview.communes.count)</td>"
        }.joined()
        let query = queryString(filters)
        return """
            <form method="get" action="/" class="filters">
            \(overview.years.count > 1 ? "<label>Kế hoạch năm <select name=\"year\">\(overview.years.map { "<option value=\"\($0)\"\($0 == overview.year ? " selected" : "")>\($0)</option>" as HTML }.joined())</select></label>" as HTML : "")
            <label>Nhiệm vụ <select name="task"><option value="">Tất cả</option>\(taskOptions)</select></label>
            <label>Chỉ số <select name="index"><option value="">Tất cả</option>\(option("index", "PAR", "PAR INDEX"))\(option("index", "DDCI", "DDCI"))</select></label>
            <label>Trạng thái <select name="status"><option value="">Tất cả</option>\(statusOptions)</select></label>
            <button type="submit">Lọc</button>
            \(Export.links("/export/overview", query: query))
            \(admin ? "<a class=\"button\" href=\"/tasks/new\">Thêm nhiệm vụ</a>" as HTML : "")
            </form>
            <p class="meta">\(overview.year.map { "Kế hoạch năm \($0) · " } ?? "")Ngày \(overview.today.vietnamese): \(overview.communes.count) xã, thị trấn × \(overview.tasks.count) nhiệm vụ.</p>
            \(Charts.bars(overview.communes.map { Charts.Bar(label: $0.name, value: overview.doneByCommune[$0.code, default: 0], total: overview.cells[$0.code]?.count ?? 0) },
                          title: "Số nhiệm vụ đã hoàn thành theo xã", unit: "nhiệm vụ"))
            <table class="matrix">
            <thead><tr><th>Xã, thị trấn</th>\(header)<th>Hoàn thành</th></tr></thead>
            <tbody>\(rows)</tbody>
            <tfoot><tr><th>Số xã hoàn thành</th>\(totals)<td></td></tr></tfoot>
            </table>
            \(officeTable(overview))
            """
    }

    /// The district offices' own tasks beside the communes': the same colours and late marks.
    static func officeTable(_ overview: Overview) -> HTML {
        guard !overview.officeRows.isEmpty else { return "" }
        let rows = overview.officeRows.map { row -> HTML in
            let cell = row.cell
            return """
                <tr><td><a href="/tasks/\(row.task.id)">\(row.task.id)</a> \(row.task.title)</td><td>\(row.office)</td>
                <td>\(VietnameseFormat.day(row.task.deadline))</td>
                <td class="cell status-\(cell.status.rawValue)\(cell.late ? " late" : "")">\(cell.status.label)\(cell.percent.map { " \($0)%" } ?? "")\(cell.late ? "<br><strong>Quá hạn</strong>" as HTML : "")</td>
                <td>\(row.by ?? "")</td></tr>
                """
        }.joined()
        return """
            <h2>Nhiệm vụ của các phòng, ban</h2>
            <table class="matrix offices"><thead><tr><th>Nhiệm vụ</th><th>Phòng, ban</th><th>Hạn</th><th>Trạng thái</th><th>Người báo cáo</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
    }

    static func commune(_ status: CommuneStatus, tasks: [TaskInfo], nodes: [NodeInfo], history: [AuditEntry],
                        files: [HubAttachment], today: CalendarDay) -> HTML {
        let progressRows = tasks.map { task -> HTML in
            let progress = status.progress[task.id] ?? [:]
            let state = progress["status"]?.text.flatMap(ProgressStatus.init(rawValue:)) ?? .notStarted
            let late = Deadline(task.deadline)?.isLate(state, today: today) ?? false
            let review = progress["review"]?.text.flatMap(ReviewDecision.init(rawValue:))?.districtLabel ?? ""
            return """
                <tr><td>\(task.id)</td><td>\(task.title)</td><td>\(VietnameseFormat.day(task.deadline))</td>
                <td class="status-\(state.rawValue)\(late ? " late" : "")">\(state.label)\(late ? " · Quá hạn" : "")</td>
                <td class="num">\(progress["percent"]?.int.map { "\($0)%" } ?? "")</td>
                <td>\(progress["note"]?.text ?? "")</td><td>\(progress["evidence"]?.text ?? "") \(FilePages.links(files.filter { $0.file.task == task.id }))</td>
                <td>\(progress["by"]?.text ?? "")</td><td>\(review)</td></tr>
                """
        }.joined()
        let equipmentRows = EquipmentKind.allCases.map { kind -> HTML in
            let check = status.equipment[kind.rawValue] ?? [:]
            let detail: String
            if kind.isDevice {
                detail = "\(check["working"]?.description ?? "?")/\(check["total"]?.description ?? "?") hoạt động; cần thêm \(check["needed"]?.description ?? "0"); dự toán \(check["cost"]?.int.map(VietnameseFormat.money) ?? "—")"
            } else {
                let state = check["state"]?.text.flatMap(InternetState.init(rawValue:))?.label ?? "chưa kiểm tra"
                detail = "\(state); \(check["provider"]?.text ?? "—"); \(check["mbps"].map { "\($0) Mbps" } ?? "—")"
            }
            return "<tr><td>\(kind.label)</td><td>\(check.isEmpty ? "Chưa kiểm tra" : detail)</td><td>\(VietnameseFormat.day(check["checked_on"]?.text))</td><td>\(check["by"]?.text ?? "")</td></tr>"
        }.joined()
        let nodeRows = nodes.map { node -> HTML in
            let warning = node.clockOffsetMs.map { ClockWarning.applies(toOffset: $0) ? " · đồng hồ \(VietnameseFormat.offset(millis: $0))" : "" } ?? ""
            let seen = node.lastSeenMillis.map { VietnameseFormat.dateTime(millis: $0) } ?? "chưa kết nối"
            return "<tr><td>\(node.node)</td><td>\(node.label ?? "")</td><td>\(seen)\(warning)</td><td>\(node.revokedAt == nil ? "" : "đã thu hồi")</td></tr>"
        }.joined()
        let historyRows = history.map { entry -> HTML in
            let outcome = entry.outcome.shortLabel
            let kept = entry.outcome == .lost ? " (giữ: \(entry.oldValue?.description ?? ""))" : ""
            return "<tr><td>\(entry.receivedAt)</td><td>\(entry.record) · \(entry.field)</td><td>\(entry.value.description)\(kept)</td><td>\(entry.actor)</td><td>\(outcome)\(entry.reason.map { ": " + $0 } ?? "")</td></tr>"
        }.joined()
        return """
            <h2>Tiến độ nhiệm vụ</h2>
            <table><thead><tr><th>Mã</th><th>Nhiệm vụ</th><th>Hạn</th><th>Trạng thái</th><th>Tỷ lệ</th><th>Ghi chú</th><th>Minh chứng</th><th>Người báo cáo</th><th>Huyện</th></tr></thead><tbody>\(progressRows)</tbody></table>
            <h2>Tệp minh chứng</h2>
            \(FilePages.table(files))
            <h2>Thiết bị</h2>
            <table><thead><tr><th>Loại</th><th>Kết quả</th><th>Ngày kiểm tra</th><th>Người kiểm tra</th></tr></thead><tbody>\(equipmentRows)</tbody></table>
            <h2>Máy của xã</h2>
            <table><thead><tr><th>Mã máy</th><th>Máy</th><th>Kết nối lần cuối</th><th></th></tr></thead><tbody>\(nodeRows)</tbody></table>
            <h2>Thay đổi gần đây</h2>
            <table><thead><tr><th>Lúc (UTC)</th><th>Bản ghi</th><th>Giá trị</th><th>Người ghi</th><th>Kết quả</th></tr></thead><tbody>\(historyRows)</tbody></table>
            """
    }
}
