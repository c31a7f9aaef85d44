import Foundation
import Hummingbird
import SyncCore
import WebSupport

/// The context of what only an office's account does: report on its office's tasks. Others are
/// refused before the handler runs.
struct OfficeContext: ChildRequestContext, SignedInContext {
    var coreContext: CoreRequestContextStorage
    let session: DashboardSession
    let office: String

    init(context: DashboardContext) throws {
        guard context.session.role == .office, let office = context.session.office else {
            throw HTTPError(.forbidden, message: "Chỉ tài khoản của phòng, ban được báo cáo nhiệm vụ của phòng, ban.")
        }
        coreContext = context.coreContext
        session = context.session
        self.office = office
    }
}

/// A district office reports its own tasks (sections 3, 5–8 of the notice) with the fields a
/// commune reports with: the office's account sees the tasks that name its office, and only
/// those, and saves a report on each. Reports are district writes (`officeProgress`), audited.
struct OfficeReports {
    let store: HubStore

    func addRoutes(to pages: RouterGroup<DashboardContext>) {
        let office = pages.group(context: OfficeContext.self)
        office.get("/office") { request, context in try await page(context, values: [:], errors: []) }
        office.post("/office/progress") { request, context in try await save(request, context) }
    }

    /// The tasks that name `office` among theirs.
    static func tasks(of office: String, in tasks: [TaskInfo]) -> [TaskInfo] {
        tasks.filter { $0.offices.contains { $0.cleanedInput == office } }
    }

    private func page(_ context: OfficeContext, values: [String: String], errors: [String],
                      status: HTTPResponse.Status = .ok) async throws -> EditedResponse<HTML> {
        let tasks = Self.tasks(of: context.office, in: try await store.tasks())
        let reports = try await store.records(of: .officeProgress)
        let today = CalendarDay(millis: Int64(Date().timeIntervalSince1970 * 1000))
        let cards = tasks.map { task -> HTML in
            let current = reports["\(OfficeKey.of(context.office))/\(task.id)"] ?? [:]
            let shown = values["task"] == task.id ? values : current.compactMapValues { $0.isNull ? nil : $0.description }
            let state = current["status"]?.text.flatMap(ProgressStatus.init(rawValue:)) ?? .notStarted
            let late = Deadline(task.deadline)?.isLate(state, today: today) ?? false
            let options = ProgressStatus.allCases.map { status -> HTML in
                "<option value=\"\(status.rawValue)\"\(shown["status"] == status.rawValue ? " selected" : "")>\(status.label)</option>"
            }.joined()
            return """
                <form method="post" action="/office/progress" class="task" id="t-\(task.id)">
                <h2>\(task.id). \(task.title) <small class="meta">hạn \(VietnameseFormat.day(task.deadline))</small></h2>
                <p><span class="status-\(state.rawValue)\(late ? " late" : "")">\(state.label)\(late ? " · Quá hạn" : "")</span> \(current["by"]?.text.map { "· \($0)" } ?? "")</p>
                <input type="hidden" name="csrf" value="\(context.session.csrf)"><input type="hidden" name="task" value="\(task.id)">
                <label>Trạng thái <select name="status" required>\(options)</select></label>
                <label>Tỷ lệ hoàn thành (%) <input type="number" name="percent" min="0" max="100" step="1" value="\(shown["percent"] ?? "")"></label>
                <label>Ghi chú <textarea name="note" rows="2" maxlength="2000">\(shown["note"] ?? "")</textarea></label>
                <label>Văn bản, minh chứng <input type="text" name="evidence" maxlength="500" value="\(shown["evidence"] ?? "")"></label>
                <button type="submit">Lưu báo cáo</button>
                </form>
                """
        }.joined()
        let errorList: HTML = errors.isEmpty ? "" : "<div class=\"errors\" role=\"alert\"><ul>\(errors.map { "<li>\($0)</li>" as HTML }.joined())</ul></div>"
        return EditedResponse(status: status, response: DashboardPages.layout(
            title: "Nhiệm vụ của \(context.office)", session: context.session,
            body: "\(errorList)\(tasks.isEmpty ? "<p>Chưa có nhiệm vụ nào giao cho \(context.office).</p>" as HTML : cards)"))
    }

    /// `task`, `status`, `percent`, `note`, `evidence`: a report on one of the office's tasks,
    /// by the signed-in account, with a commune report's rules.
    private func save(_ request: Request, _ context: OfficeContext) async throws -> Response {
        let form = try await context.form(request)
        let id = form["task"] ?? ""
        guard Self.tasks(of: context.office, in: try await store.tasks()).contains(where: { $0.id == id }) else {
            throw HTTPError(.forbidden, message: "Nhiệm vụ \(id) không giao cho \(context.office).")
        }
        do {
            var percent: Int?
            if let text = form["percent"], !text.isEmpty {
                guard let number = Int(text) else { throw SyncError(.invalidValue, "Tỷ lệ hoàn thành phải là số nguyên từ 0 đến 100.") }
                percent = number
            }
            let report = ProgressReport(task: id, status: try ProgressReport.status(from: form["status"] ?? ""), percent: percent,
                                        note: form["note"], evidence: form["evidence"], by: context.session.user)
            let current = try await store.fields(of: .officeProgress, record: "\(OfficeKey.of(context.office))/\(id)")
            try await store.recordDistrict(try report.writes(office: context.office, current: current), actor: context.session.user)
        } catch let error as SyncError {
            return try await page(context, values: form.values, errors: [error.message], status: .unprocessableContent)
                .response(from: request, context: context)
        }
        return Response.redirect(to: "/office#t-\(id)")
    }
}
