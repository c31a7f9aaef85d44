import Foundation
import SyncCore

/// Text made safe for HTML: what officers typed is shown, never run.
func esc(_ text: String) -> String {
    text.htmlEscaped
}

func esc(_ value: FieldValue?) -> String {
    esc(value?.description ?? "")
}

/// The frame every page shares: navigation, the sync panel, then the page's own content.
struct Layout {
    let communeName: String
    let sync: SyncPanel

    func page(title: String, current: String, flash: String? = nil, body: String) -> String {
        func link(_ href: String, _ label: String) -> String {
            "<a href=\"\(href)\"\(href == current ? " aria-current=\"page\"" : "")>\(esc(label))</a>"
        }
        return """
            <!doctype html>
            <html lang="vi">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(esc(title)) · \(esc(communeName))</title>
            <link rel="stylesheet" href="/assets/style.css">
            </head>
            <body>
            <header>
            <div class="brand">Theo dõi cải cách hành chính<br><strong>\(esc(communeName))</strong></div>
            <nav>\(link("/", "Nhiệm vụ"))\(link("/equipment", "Kiểm tra thiết bị"))\(link("/history", "Lịch sử"))</nav>
            </header>
            \(sync.html)
            <main>
            \(flash.map { "<p class=\"flash\" role=\"status\">\(esc($0))</p>" } ?? "")
            <h1>\(esc(title))</h1>
            \(body)
            </main>
            </body>
            </html>
            """
    }
}

/// The sync state, on every page: online or not, what waits, when it last worked, and why not.
struct SyncPanel {
    let state: AgentSyncState
    let csrf: String
    /// Beyond this, the PC's clock is worth fixing.
    static let clockWarningMs: Int64 = 60_000

    var html: String {
        let online = state.lastSync != nil && state.lastError == nil
        let badge = state.lastSync == nil && state.lastError == nil
            ? "<span class=\"badge unknown\">Chưa đồng bộ lần nào</span>"
            : online ? "<span class=\"badge online\">Đang kết nối với huyện</span>"
            : "<span class=\"badge offline\">Mất kết nối với huyện</span>"
        var lines = [
            badge,
            "<span>Chờ gửi: <strong>\(state.pendingReports)</strong> báo cáo</span>",
            "<span>Đồng bộ lần cuối: \(state.lastSync.map { esc(VietnameseFormat.dateTime(millis: $0)) } ?? "chưa có")</span>",
        ]
        if state.rejected > 0 { lines.append("<span class=\"warn\">Bị huyện từ chối: \(state.rejected) thay đổi (xem Lịch sử)</span>") }
        var extra = ""
        if let error = state.lastError { extra += "<p class=\"error\">Lỗi gần nhất: \(esc(error))</p>" }
        if let offset = state.clockOffsetMs, abs(offset) > Self.clockWarningMs {
            extra += "<p class=\"warn\">Đồng hồ máy tính \(esc(VietnameseFormat.offset(millis: offset))) so với máy chủ huyện. Hãy chỉnh lại ngày giờ của máy.</p>"
        }
        return """
            <section class="sync" aria-label="Trạng thái đồng bộ">
            <div class="sync-line">\(lines.joined(separator: " "))
            <form method="post" action="/sync"><input type="hidden" name="csrf" value="\(esc(csrf))"><button type="submit">Đồng bộ ngay</button></form>
            </div>
            \(extra)
            </section>
            """
    }
}
