import Foundation
import SyncCore
import WebSupport

/// The frame every page shares: navigation, the sync panel, then the page's own content.
struct Layout {
    let communeName: String
    let sync: SyncPanel

    func page(title: String, current: String, flash: String? = nil, body: HTML) -> HTML {
        func link(_ href: String, _ label: String) -> HTML {
            "<a href=\"\(href)\"\(href == current ? " aria-current=\"page\"" as HTML : "")>\(label)</a>"
        }
        let banner: HTML = """
            <header>
            <div class="brand">Theo dõi cải cách hành chính<br><strong>\(communeName)</strong></div>
            <nav>\(link("/", "Nhiệm vụ"))\(link("/equipment", "Kiểm tra thiết bị"))\(link("/assessment", "Tự đánh giá"))\(link("/requests", "Kiến nghị, tập huấn"))\(link("/history", "Lịch sử"))</nav>
            </header>
            \(sync.html)
            """
        return PageShell(site: communeName, stylesheet: "/assets/style.css")
            .page(title: title, banner: banner, notice: flash.map { "<p class=\"flash\" role=\"status\">\($0)</p>" }, body: body)
    }
}

/// The sync state, on every page: online or not, what waits, when it last worked, and why not.
struct SyncPanel {
    let state: AgentSyncState
    /// Attached files the hub does not hold whole yet.
    let filesWaiting: Int
    let csrf: String

    var html: HTML {
        let online = state.lastSync != nil && state.lastError == nil
        let badge: HTML = state.lastSync == nil && state.lastError == nil
            ? "<span class=\"badge unknown\">Chưa đồng bộ lần nào</span>"
            : online ? "<span class=\"badge online\">Đang kết nối với huyện</span>"
            : "<span class=\"badge offline\">Mất kết nối với huyện</span>"
        var lines: [HTML] = [
            badge,
            "<span>Chờ gửi: <strong>\(state.pendingReports)</strong> báo cáo, <strong>\(filesWaiting)</strong> tệp minh chứng</span>",
            "<span>Đồng bộ lần cuối: \(state.lastSync.map { VietnameseFormat.dateTime(millis: $0) } ?? "chưa có")</span>",
        ]
        if state.rejected > 0 { lines.append("<span class=\"warn\">Bị huyện từ chối: \(state.rejected) thay đổi (xem Lịch sử)</span>") }
        var extra: [HTML] = []
        if let error = state.lastError { extra.append("<p class=\"error\">Lỗi gần nhất: \(error)</p>") }
        if let offset = state.clockOffsetMs, ClockWarning.applies(toOffset: offset) {
            extra.append("<p class=\"warn\">Đồng hồ máy tính \(VietnameseFormat.offset(millis: offset)) so với máy chủ huyện. Hãy chỉnh lại ngày giờ của máy.</p>")
        }
        return """
            <section class="sync" aria-label="Trạng thái đồng bộ">
            <div class="sync-line">\(lines.joined(separator: " "))
            <form method="post" action="/sync"><input type="hidden" name="csrf" value="\(csrf)"><button type="submit">Đồng bộ ngay</button></form>
            </div>
            \(extra.joined())
            </section>
            """
    }
}
