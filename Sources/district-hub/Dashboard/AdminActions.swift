import Foundation
import Hummingbird
import SyncCore
import WebSupport

/// What only admins may do: create and edit tasks, and review a commune's report. Both are
/// district writes, stamped, audited and sent down to the communes' agents at their next sync.
/// The routes are in an `AdminContext` group, which refuses viewers before any of this runs.
struct AdminActions {
    let store: HubStore

    func addRoutes(to admin: RouterGroup<AdminContext>) {
        admin.get("/tasks/new") { _, context in try await taskForm(context, task: nil, values: [:], errors: []) }
        admin.get("/tasks/:id/edit") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let task = try await store.tasks().first(where: { $0.id == id }) else { throw HTTPError(.notFound) }
            return try await taskForm(context, task: task, values: [:], errors: [])
        }
        admin.post("/tasks") { request, context in try await saveTask(request, context) }
        admin.post("/review") { request, context in try await review(request, context) }
    }

    private func taskForm(_ context: AdminContext, task: TaskInfo?, values: [String: String], errors: [String]) async throws -> EditedResponse<HTML> {
        let session = context.session
        let body = TaskPages.form(task: task, values: values, communes: try await store.hubStatus().communes, errors: errors, csrf: session.csrf)
        return EditedResponse(status: errors.isEmpty ? .ok : .unprocessableContent,
                              response: DashboardPages.layout(title: task.map { "Sửa nhiệm vụ \($0.id)" } ?? "Thêm nhiệm vụ", session: session, body: body))
    }

    private func saveTask(_ request: Request, _ context: AdminContext) async throws -> Response {
        let session = context.session
        let form = try await context.form(request)
        let id = (form["id"] ?? "").cleanedInput
        let existing = try await store.tasks().first { $0.id == id }
        var errors: [String] = []
        if form["mode"] == "create" && existing != nil { errors.append("Mã nhiệm vụ \(id) đã có; hãy chọn mã khác.") }
        if form["mode"] == "edit" && existing == nil { errors.append("Không có nhiệm vụ \(id) để sửa.") }
        let communes = try await store.hubStatus().communes.map(\.code).filter { form["commune.\($0)"] != nil }
        let assignment: TaskAssignment = form["communes"] == "*" ? .everyCommune : .communes(communes)
        if assignment == .communes([]) { errors.append("Hãy chọn ít nhất một xã, hoặc giao cho tất cả.") }
        let deadline = (form["deadline"] ?? "").cleanedInput
        let entry = TaskCatalog.Entry(
            id: id, title: form["title"] ?? "", source: form["source"].flatMap { $0.isEmpty ? nil : $0 },
            deadline: deadline.isEmpty ? nil : deadline, communes: assignment, offices: existing?.offices,
            index: form["index"], detail: form["detail"].flatMap { $0.isEmpty ? nil : $0 })
        if errors.isEmpty {
            do {
                try await store.saveTask(entry, actor: session.user)
                return Response.redirect(to: "/tasks/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)")
            } catch let error as SyncError {
                errors.append(error.message)
            }
        }
        return try await taskForm(context, task: existing, values: form.values, errors: errors).response(from: request, context: context)
    }

    /// Accept a commune's report, or send it back with a comment.
    private func review(_ request: Request, _ context: AdminContext) async throws -> Response {
        let session = context.session
        let form = try await context.form(request)
        let commune = form["commune"] ?? "", task = form["task"] ?? ""
        guard let decision = form["decision"].flatMap(ReviewDecision.init(rawValue:)), Identifiers.isCommuneCode(commune),
            try await store.tasks().contains(where: { $0.id == task && $0.assignment.includes(commune) })
        else { throw HTTPError(.badRequest, message: "Yêu cầu xem xét không hợp lệ.") }
        let comment = (form["comment"] ?? "").cleanedInput
        if decision == .returned && comment.isEmpty {
            throw HTTPError(.badRequest, message: "Khi trả lại, hãy ghi nhận xét để xã biết cần sửa gì.")
        }
        let record = "\(commune)/\(task)"
        let writes: [(String, FieldValue)] = [
            ("review", .text(decision.rawValue)), ("review_note", comment.isEmpty ? .null : .text(comment)), ("reviewed_by", .text(session.user)),
        ]
        for (field, value) in writes { try Schema.validate(value, field: field, in: .progress) }
        try await store.recordDistrict(writes.map { FieldWrite(collection: RecordCollection.progress.rawValue, record: record, field: $0.0, value: $0.1) },
                                       actor: session.user)
        return Response.redirect(to: "/tasks/\(task)")
    }
}
