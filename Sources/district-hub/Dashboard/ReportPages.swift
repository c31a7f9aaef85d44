import Foundation
import Hummingbird
import SyncCore
import WebSupport

/// The periodic report on the dashboard: choose a period, read it as a printable page, or
/// download the .docx to sign and send, the same document `district-hub report` writes.
struct ReportPages {
    let store: HubStore
    let heading: ReportHeading

    func addRoutes(to pages: RouterGroup<DashboardContext>) {
        pages.get("/report") { request, context in
            let today = Self.today
            let period = try Self.period(request, today: today)
            return DashboardPages.layout(title: "Báo cáo định kỳ", session: context.session, body: Self.chooser(period, today: today))
        }
        pages.get("/report/print") { request, _ in
            try await report(request).htmlDocument(styles: .linked("/report/official.css"))
        }
        pages.get("/report/official.css") { _, _ in Stylesheet(PeriodicReport.css) }
        pages.get("/report.docx") { request, _ in
            let report = try await report(request)
            return Response(status: .ok, headers: [
                .contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                .contentDisposition: "attachment; filename=\"bao-cao-cchc-\(report.period).docx\"",
            ], body: .init(byteBuffer: ByteBuffer(data: try report.word().data(created: Date()))))
        }
    }

    private func report(_ request: Request) async throws -> PeriodicReport {
        let today = Self.today
        return try await PeriodicReport.make(store, period: try Self.period(request, today: today), heading: heading, today: today)
    }

    private static var today: CalendarDay { CalendarDay(millis: Int64(Date().timeIntervalSince1970 * 1000)) }

    /// `?period=`, this quarter when absent; a period that does not parse is a 400 that says
    /// what it takes.
    private static func period(_ request: Request, today: CalendarDay) throws -> ReportPeriod {
        guard let text = request.uri.queryParameters.get("period"), !text.isEmpty else { return .quarter(of: today) }
        guard let period = ReportPeriod(text) else {
            throw HTTPError(.badRequest, message: "Kỳ báo cáo không hợp lệ: \(text). Ví dụ: 2026-Q4, 2026-H2, 2026-11, 2026.")
        }
        return period
    }

    /// The periods of this year and last, newest first, with the asked one selected.
    static func chooser(_ selected: ReportPeriod, today: CalendarDay) -> HTML {
        var periods: [ReportPeriod] = []
        for year in [today.year, today.year - 1] {
            periods += (1...12).reversed().compactMap { ReportPeriod(String(format: "%04d-%02d", year, $0)) }
                .filter { $0.first <= today }
            periods += (1...4).reversed().compactMap { ReportPeriod("\(year)-Q\($0)") }.filter { $0.first <= today }
            periods += (1...2).reversed().compactMap { ReportPeriod("\(year)-H\($0)") }.filter { $0.first <= today }
            periods.append(ReportPeriod(String(year))!)
        }
        if !periods.contains(selected) { periods.insert(selected, at: 0) }
        let options = periods.map { period -> HTML in
            "<option value=\"\(period.description)\"\(period == selected ? " selected" : "")>\(period.label.prefix(1).uppercased() + period.label.dropFirst())</option>"
        }.joined()
        return """
            <p>Báo cáo kết quả thực hiện nhiệm vụ cải cách hành chính gửi UBND huyện, theo thể thức Nghị định 30/2020/NĐ-CP: \
            kết quả theo nhiệm vụ, theo xã và của các phòng, thiết bị và kinh phí, nhiệm vụ quá hạn, kiến nghị và tập huấn. \
            Số liệu tính đến hết kỳ (hoặc đến hôm nay nếu kỳ chưa kết thúc).</p>
            <form method="get" action="/report/print" class="filters">
            <label>Kỳ báo cáo <select name="period">\(options)</select></label>
            <button type="submit">Xem bản in</button>
            <button type="submit" formaction="/report.docx" class="secondary">Tải bản Word (.docx)</button>
            </form>
            """
    }
}
