import Foundation
import Hummingbird
import Logging
import SyncCore
import WebSupport

/// The officer's screen, served by `commune-agent run` on loopback: the commune's tasks, the
/// progress and equipment forms, the sync state and the office's history. Works with no
/// internet (every write lands in the local store at once) and with no JavaScript.
struct LocalWeb: Sendable {
    let store: AgentStore
    /// The sync scheduler's: "sync now" and every write made here go to it.
    let trigger: AsyncStream<SyncTrigger>.Continuation
    let hosts: HostAllowList
    let csrf: CSRF
    /// The largest evidence file an officer may attach.
    let maxFileBytes: Int64
    /// Brings a file another PC attached from the hub; returns its path in the store's files.
    let fetchFile: @Sendable (_ sha256: String) async throws -> String

    func buildRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: HostGuardMiddleware(hosts: hosts))
        router.add(middleware: ContentSecurityMiddleware<BasicRequestContext>.screens)
        router.add(middleware: ScreenHeadersMiddleware(overTLS: false))
        router.get("/assets/style.css") { _, _ in Stylesheet.officer }
        router.get("/") { request, _ in try await self.tasksPage(request) }
        router.get("/tasks/:id") { request, context in
            try await self.progressPage(request, task: context.parameters.get("id") ?? "", values: nil, errors: [])
        }
        router.post("/progress") { request, context in try await self.postProgress(request, context) }
        router.get("/equipment") { request, _ in try await self.equipmentPage(request, values: [:], errors: []) }
        router.post("/equipment") { request, context in try await self.postEquipment(request, context) }
        router.get("/history") { request, _ in try await self.historyPage(request) }
        router.post("/attachments") { request, context in try await self.postAttachment(request, context) }
        router.post("/attachments/remove") { request, context in try await self.removeAttachment(request, context) }
        router.get("/files/:sha256") { _, context in try await self.file(context.parameters.get("sha256") ?? "", context) }
        addAssessmentRoutes(to: router)
        addRequestRoutes(to: router)
        router.post("/sync") { request, _ in
            _ = try await csrf.form(request)
            trigger.yield(.syncNow)
            return Response.redirect(to: "/?flash=sync")
        }
        return router
    }

    // MARK: Pages

    func layout(_ request: Request) async throws -> (Layout, String) {
        let token = csrf.tokenOrNew(in: request)
        let identity = try await store.agentIdentity()
        let name = try await store.fields(of: .communes, record: identity.commune)["name"]?.text ?? identity.commune
        let panel = SyncPanel(state: try await store.agentSyncState(), filesWaiting: try await store.uploadsWaiting(), csrf: token)
        return (Layout(communeName: name, sync: panel), token)
    }

    /// A page, with the CSRF cookie its forms repeat.
    func answer(_ page: HTML, csrf: String, status: HTTPResponse.Status = .ok) -> EditedResponse<HTML> {
        EditedResponse(status: status, headers: [.setCookie: CSRF.cookie(csrf).description], response: page)
    }

    private static let flashes = [
        "progress": "Đã lưu báo cáo. Báo cáo sẽ được gửi lên huyện khi có mạng.",
        "equipment": "Đã lưu kết quả kiểm tra thiết bị. Kết quả sẽ được gửi lên huyện khi có mạng.",
        "sync": "Đang đồng bộ với huyện; tải lại trang sau ít giây để xem kết quả.",
        "attached": "Đã lưu tệp minh chứng trên máy này. Tệp sẽ được gửi lên huyện sau khi đồng bộ.",
        "removed": "Đã gỡ tệp minh chứng khỏi nhiệm vụ; huyện sẽ biết khi đồng bộ.",
    ]

    private func tasksPage(_ request: Request) async throws -> EditedResponse<HTML> {
        let (layout, csrf) = try await layout(request)
        let identity = try await store.agentIdentity()
        let flash = request.uri.queryParameters.get("flash").flatMap { Self.flashes[$0] }
        let today = try await store.today()
        let tasks = try await store.agentTasks(commune: identity.commune)
        let years = TaskPlans.years(tasks.map(\.plan))
        let year = TaskPlans.shown(years, asked: request.uri.queryParameters.get("year").flatMap { Int($0) }, today: today)
        let body = Pages.tasks(tasks.filter { $0.plan == nil || $0.plan == year }, years: years, year: year, today: today)
        return answer(layout.page(title: year.map { "Nhiệm vụ của xã năm \($0)" } ?? "Nhiệm vụ của xã", current: "/", flash: flash, body: body),
                      csrf: csrf)
    }

    private func progressPage(_ request: Request, task id: String, values: [String: String]?, errors: [String]) async throws -> EditedResponse<HTML> {
        let (layout, csrf) = try await layout(request)
        let identity = try await store.agentIdentity()
        guard let task = try await store.tasks().first(where: { $0.id == id && $0.assignment.includes(identity.commune) }) else {
            return answer(layout.page(title: "Không có nhiệm vụ này", current: "/", body: "<p><a href=\"/\">Về danh sách nhiệm vụ</a></p>"),
                          csrf: csrf, status: .notFound)
        }
        var shown = values ?? [:]
        if values == nil {
            for (field, value) in try await store.fields(of: .progress, record: "\(identity.commune)/\(task.id)") where !value.isNull {
                shown[field] = value.description
            }
            shown["by"] = CSRF.rememberedName(in: request) ?? shown["by"]
        }
        let flash = request.uri.queryParameters.get("flash").flatMap { Self.flashes[$0] }
        let files = Pages.attachments(task: task.id, try await store.attachments(task: task.id), by: shown["by"] ?? "", csrf: csrf)
        let body: HTML = "\(Pages.progressForm(task: task, values: shown, errors: errors, csrf: csrf))\(files)"
        return answer(layout.page(title: "Nhiệm vụ \(task.id): \(task.title)", current: "/", flash: flash, body: body), csrf: csrf,
                      status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    private func equipmentPage(_ request: Request, values: [String: String], errors: [String]) async throws -> EditedResponse<HTML> {
        let (layout, csrf) = try await layout(request)
        let identity = try await store.agentIdentity()
        var previous: [EquipmentKind: [String: FieldValue]] = [:]
        for kind in EquipmentKind.allCases {
            previous[kind] = try await store.fields(of: .equipment, record: "\(identity.commune)/\(kind.rawValue)")
        }
        let flash = request.uri.queryParameters.get("flash").flatMap { Self.flashes[$0] }
        let body = Pages.equipmentForm(previous: previous, values: values, by: CSRF.rememberedName(in: request) ?? "",
                                       errors: errors, csrf: csrf)
        return answer(layout.page(title: "Kiểm tra thiết bị", current: "/equipment", flash: flash, body: body), csrf: csrf,
                      status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    private func historyPage(_ request: Request) async throws -> EditedResponse<HTML> {
        let (layout, csrf) = try await layout(request)
        let titles = Dictionary(try await store.tasks().map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
        let body = Pages.history(try await store.localHistory(), taskTitles: titles)
        return answer(layout.page(title: "Lịch sử thay đổi của máy này", current: "/history", body: body), csrf: csrf)
    }

    // MARK: Forms

    /// `task`, `status`, `percent`, `note`, `evidence`, `by`: the same rules and messages as
    /// `commune-agent progress`.
    private func postProgress(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let form = try await csrf.form(request)
        let identity = try await store.agentIdentity()
        let task = form["task"] ?? ""
        var errors: [String] = []
        do {
            guard try await store.agentTasks(commune: identity.commune).contains(where: { $0.id == task }) else {
                throw SyncError(.unknownTask, "Không có nhiệm vụ \"\(task)\" giao cho xã.")
            }
            var percent: Int?
            if let text = form["percent"], !text.isEmpty {
                guard let number = Int(text) else { throw SyncError(.invalidValue, "Tỷ lệ hoàn thành phải là số nguyên từ 0 đến 100, không phải \"\(text)\".") }
                percent = number
            }
            let report = ProgressReport(task: task, status: try ProgressReport.status(from: form["status"] ?? ""), percent: percent,
                                        note: form["note"], evidence: form["evidence"], by: form["by"] ?? "")
            try await store.record(actor: report.by.cleanedInput, node: identity.node) { current in
                try report.writes(commune: identity.commune, current: current(.progress, "\(identity.commune)/\(task)"))
            }
            trigger.yield(.localWrite)
            var response = Response.redirect(to: "/?flash=progress")
            response.setCookie(CSRF.nameCookie(report.by.cleanedInput))
            return response
        } catch let error as SyncError {
            errors.append(error.message)
        }
        return try await progressPage(request, task: task, values: form.values, errors: errors).response(from: request, context: context)
    }

    /// A multipart form with its optional `file` streamed into the store's `tmp/` (the caller
    /// removes it), checked against the CSRF token and the size limit.
    func decodeUpload(_ request: Request) async throws -> (form: PostedForm, file: UploadedFile?) {
        try await CSRF.forms.decodeUpload(
            request, csrf: csrf.token(in: request), fileField: "file", directory: FileStore(beside: store.path).root + "/tmp",
            maxFileBytes: maxFileBytes,
            tooLarge: FileStore.tooLarge(maxFileBytes))
    }

    /// `task`, `by` and `file` (multipart): the file is streamed to disk, its type read from its
    /// bytes, then stored and queued like `commune-agent attach`.
    private func postAttachment(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let (form, upload) = try await decodeUpload(request)
        defer { if let upload { try? FileManager.default.removeItem(atPath: upload.path) } }
        let task = form["task"] ?? ""
        var errors: [String] = []
        do {
            guard let upload else { throw SyncError(.invalidInput, "Chưa chọn tệp để đính kèm.") }
            let identity = try await store.agentIdentity()
            guard try await store.agentTasks(commune: identity.commune).contains(where: { $0.id == task }) else {
                throw SyncError(.unknownTask, "Không có nhiệm vụ \"\(task)\" giao cho xã.")
            }
            let by = form["by"] ?? ""
            _ = try await store.attachFile(at: upload.path, name: upload.filename, task: task, by: by, maxBytes: maxFileBytes)
            trigger.yield(.localWrite)
            var response = Response.redirect(to: "/tasks/\(task)?flash=attached")
            response.setCookie(CSRF.nameCookie(by.cleanedInput))
            return response
        } catch let error as SyncError {
            errors.append(error.message)
        }
        return try await progressPage(request, task: task, values: form.values, errors: errors).response(from: request, context: context)
    }

    /// `task`, `sha256`, `by`: removes a file from the task (a tombstone, as `commune-agent
    /// detach` writes it), whoever reported last on this browser named as the one removing it.
    private func removeAttachment(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let form = try await csrf.form(request)
        let identity = try await store.agentIdentity()
        let task = form["task"] ?? "", by = (form["by"] ?? "").cleanedInput
        var errors: [String] = []
        do {
            guard !by.isEmpty else { throw SyncError(.invalidInput, "Hãy nhập tên người đính kèm ở biểu mẫu dưới rồi gỡ lại.") }
            try await store.detach(commune: identity.commune, task: task, sha256: form["sha256"] ?? "", by: by, node: identity.node)
            trigger.yield(.localWrite)
            return Response.redirect(to: "/tasks/\(task)?flash=removed")
        } catch let error as SyncError {
            errors.append(error.message)
        }
        return try await progressPage(request, task: task, values: nil, errors: errors).response(from: request, context: context)
    }

    /// An evidence file of the commune: from this PC's files, or brought from the hub when
    /// another PC attached it. Images and PDFs open in the browser; the rest download.
    private func file(_ sha256: String, _ context: some RequestContext) async throws -> Response {
        guard let attachment = try await store.attachments().first(where: { $0.file.sha256 == sha256 }),
            let type = attachment.file.evidenceType
        else { throw HTTPError(.notFound, message: "Không có tệp này.") }
        var path = FileStore(beside: store.path).objectPath(sha256)
        if !FileManager.default.fileExists(atPath: path) {
            do {
                path = try await fetchFile(sha256)
            } catch let error as SyncError {
                throw HTTPError(.serviceUnavailable, message: "Chưa tải được tệp từ huyện: \(error.officerMessage)")
            }
        }
        return try await EvidenceDownload.response(path: path, type: type, name: attachment.file.name, inline: true, context: context)
    }

    /// One form for the four kinds (`computer.total`, …, `internet.state`, `note`, `by`): every
    /// kind filled in is checked, and all are stored in one transaction or none.
    private func postEquipment(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let form = try await csrf.form(request)
        let identity = try await store.agentIdentity()
        let by = form["by"] ?? ""
        var errors: [String] = []
        var writes: [FieldWrite] = []
        let today = try await store.today()
        for kind in EquipmentKind.allCases {
            func given(_ field: String) -> String? {
                form["\(kind.rawValue).\(field)"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            }
            func count(_ field: String) -> Int? {
                guard let text = given(field) else { return nil }
                guard let value = Int(text) else {
                    errors.append("\(kind.label): \"\(text)\" không phải số nguyên (\(Pages.fieldLabel(field))).")
                    return nil
                }
                return value
            }
            let fields = ["total", "working", "broken", "needed", "cost", "state", "provider", "mbps"]
            guard fields.contains(where: { given($0) != nil }) else { continue }
            do {
                var mbps: Double?
                if let text = given("mbps") {
                    guard let value = Double(text.replacingOccurrences(of: ",", with: ".")) else {
                        throw SyncError(.invalidValue, "Tốc độ đường truyền phải là số, không phải \"\(text)\".")
                    }
                    mbps = value
                }
                let check = EquipmentCheck(
                    kind: kind, total: count("total"), working: count("working"), broken: count("broken"), needed: count("needed"),
                    cost: count("cost").map(Int64.init), state: try given("state").map(EquipmentCheck.state(from:)),
                    provider: given("provider"), mbps: mbps, note: form["note"].flatMap { $0.isEmpty ? nil : $0 }, by: by)
                let current = try await store.fields(of: .equipment, record: "\(identity.commune)/\(kind.rawValue)")
                writes += try check.writes(commune: identity.commune, current: current, today: today)
            } catch let error as SyncError {
                errors.append(error.message)
            }
        }
        if writes.isEmpty && errors.isEmpty { errors.append("Chưa nhập kết quả kiểm tra nào.") }
        guard errors.isEmpty else {
            return try await equipmentPage(request, values: form.values, errors: errors).response(from: request, context: context)
        }
        try await store.record(writes, actor: by.cleanedInput, node: identity.node)
        trigger.yield(.localWrite)
        var response = Response.redirect(to: "/equipment?flash=equipment")
        response.setCookie(CSRF.nameCookie(by.cleanedInput))
        return response
    }
}
