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
/// commune reports with, and its evidence files: the office's account sees the tasks that name
/// its office, and only those, and saves a report on each. Reports and files are district
/// writes (`officeProgress`, `officeAttachments`), audited.
struct OfficeReports {
    let store: HubStore
    let maxFileBytes: Int64

    func addRoutes(to pages: RouterGroup<DashboardContext>) {
        let office = pages.group(context: OfficeContext.self)
        office.get("/office") { request, context in try await page(context, values: [:], errors: []) }
        office.post("/office/progress") { request, context in try await save(request, context) }
        office.post("/office/files") { request, context in try await attach(request, context) }
        office.post("/office/files/remove") { request, context in try await detach(request, context) }
    }

    /// The tasks that name `office` among theirs.
    static func tasks(of office: String, in tasks: [TaskInfo]) -> [TaskInfo] {
        tasks.filter { $0.offices.contains { $0.cleanedInput == office } }
    }

    private func page(_ context: OfficeContext, values: [String: String], errors: [String],
                      status: HTTPResponse.Status = .ok) async throws -> EditedResponse<HTML> {
        let tasks = Self.tasks(of: context.office, in: try await store.tasks())
        let reports = try await store.records(of: .officeProgress)
        let files = try await store.officeAttachments(office: context.office)
        let today = CalendarDay(millis: Int64(Date().timeIntervalSince1970 * 1000))
        let cards = tasks.map { task -> HTML in
            let current = reports["\(OfficeKey.of(context.office))/\(task.id)"] ?? [:]
            let shown = values["task"] == task.id ? values : current.compactMapValues { $0.isNull ? nil : $0.description }
            let state = current["status"]?.text.flatMap(ProgressStatus.init(rawValue:)) ?? .notStarted
            let late = Deadline(task.deadline)?.isLate(state, today: today) ?? false
            let options = ProgressStatus.allCases.map { status -> HTML in
                "<option value=\"\(status.rawValue)\"\(shown["status"] == status.rawValue ? " selected" : "")>\(status.label)</option>"
            }.joined()
            let csrf = context.session.csrf
            let list = (files[task.id] ?? []).map { file -> HTML in
                """
                <li><a class="file" href="/files/\(file.sha256)">\(file.name)</a> <small class="meta">\(VietnameseFormat.bytes(file.size)) · \(file.by)</small>
                <form method="post" action="/office/files/remove" class="inline"><input type="hidden" name="csrf" value="\(csrf)">
                <input type="hidden" name="task" value="\(task.id)"><input type="hidden" name="sha256" value="\(file.sha256)">
                <button type="submit" class="secondary">Gỡ tệp</button></form></li>
                """
            }.joined()
            return """
                <form method="post" action="/office/progress" class="task" id="t-\(task.id)">
                <h2>\(task.id). \(task.title) <small class="meta">hạn \(VietnameseFormat.day(task.deadline))</small></h2>
                <p><span class="status-\(state.rawValue)\(late ? " late" : "")">\(state.label)\(late ? " · Quá hạn" : "")</span> \(current["by"]?.text.map { "· \($0)" } ?? "")</p>
                <input type="hidden" name="csrf" value="\(csrf)"><input type="hidden" name="task" value="\(task.id)">
                <label>Trạng thái <select name="status" required>\(options)</select></label>
                <label>Tỷ lệ hoàn thành (%) <input type="number" name="percent" min="0" max="100" step="1" value="\(shown["percent"] ?? "")"></label>
                <label>Ghi chú <textarea name="note" rows="2" maxlength="2000">\(shown["note"] ?? "")</textarea></label>
                <label>Văn bản, minh chứng <input type="text" name="evidence" maxlength="500" value="\(shown["evidence"] ?? "")"></label>
                <button type="submit">Lưu báo cáo</button>
                </form>
                <section class="task-files"><h3>Tệp minh chứng</h3>\(list.markup.isEmpty ? "<p class=\"meta\">Chưa có tệp.</p>" as HTML : "<ul>\(list)</ul>")
                <form method="post" action="/office/files" enctype="multipart/form-data" class="inline">
                <input type="hidden" name="csrf" value="\(csrf)"><input type="hidden" name="task" value="\(task.id)">
                <input type="file" name="file" required> <button type="submit">Đính kèm tệp</button></form></section>
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
        let id = try await ownTask(form["task"], context)
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

    /// `task` and `file` (multipart): stored as the agent stores an officer's file, its type read
    /// from its bytes, and recorded under the office's report.
    private func attach(_ request: Request, _ context: OfficeContext) async throws -> Response {
        let (form, upload) = try await FormDecoder.dashboard.decodeUpload(
            request, csrf: context.session.csrf, fileField: "file", directory: FileStore(beside: store.path).root + "/tmp",
            maxFileBytes: maxFileBytes, tooLarge: FileStore.tooLarge(maxFileBytes))
        defer { if let upload { try? FileManager.default.removeItem(atPath: upload.path) } }
        let id = try await ownTask(form["task"], context)
        do {
            guard let upload else { throw SyncError(.invalidInput, "Chưa chọn tệp để đính kèm.") }
            _ = try await store.attachOfficeFile(at: upload.path, name: upload.filename, office: context.office, task: id,
                                                 by: context.session.user, maxBytes: maxFileBytes)
        } catch let error as SyncError {
            return try await page(context, values: [:], errors: [error.message], status: .unprocessableContent)
                .response(from: request, context: context)
        }
        return Response.redirect(to: "/office#t-\(id)")
    }

    private func detach(_ request: Request, _ context: OfficeContext) async throws -> Response {
        let form = try await context.form(request)
        let id = try await ownTask(form["task"], context)
        try await store.detachOfficeFile(office: context.office, task: id, sha256: form["sha256"] ?? "", by: context.session.user)
        return Response.redirect(to: "/office#t-\(id)")
    }

    /// The task id a form names, when it is one of the office's; 403 otherwise.
    private func ownTask(_ id: String?, _ context: OfficeContext) async throws -> String {
        let id = id ?? ""
        guard Self.tasks(of: context.office, in: try await store.tasks()).contains(where: { $0.id == id }) else {
            throw HTTPError(.forbidden, message: "Nhiệm vụ \(id) không giao cho \(context.office).")
        }
        return id
    }
}
