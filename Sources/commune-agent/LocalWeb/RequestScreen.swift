import Foundation
import Hummingbird
import SyncCore
import WebSupport

/// Proposals and training sign-up on the officer's screen, offline like the rest.
extension LocalWeb {
    func addRequestRoutes(to router: Router<BasicRequestContext>) {
        router.get("/requests") { request, _ in try await requestsPage(request, values: [:], errors: []) }
        router.post("/proposals") { request, context in try await postProposal(request, context) }
        router.post("/training") { request, context in try await postTraining(request, context) }
    }

    private static let requestFlashes = [
        "proposal": "Đã lưu kiến nghị. Kiến nghị sẽ được gửi lên huyện khi có mạng.",
        "training": "Đã lưu đăng ký tập huấn. Đăng ký sẽ được gửi lên huyện khi có mạng.",
    ]

    private func requestsPage(_ request: Request, values: [String: String], errors: [String],
                              status: HTTPResponse.Status = .ok) async throws -> EditedResponse<HTML> {
        let (layout, csrf) = try await layout(request)
        let flash = request.uri.queryParameters.get("flash").flatMap { Self.requestFlashes[$0] }
        let files = try await store.attachments().filter { RecordSubject.proposalID($0.file.task) != nil }
        let body = RequestPages.page(try await store.inbox(), files: files, values: values, by: CSRF.rememberedName(in: request) ?? "",
                                     errors: errors, csrf: csrf)
        return answer(layout.page(title: "Kiến nghị, đăng ký tập huấn", current: "/requests", flash: flash, body: body), csrf: csrf, status: status)
    }

    /// `topic`, `text`, `office`, `by` and an optional `file` (multipart).
    private func postProposal(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let (form, upload) = try await decodeUpload(request)
        defer { if let upload { try? FileManager.default.removeItem(atPath: upload.path) } }
        let by = form["by"] ?? ""
        do {
            // The file's type is checked before the proposal is stored, so a refused file stores nothing.
            if let upload { _ = try EvidenceType.sniff(path: upload.path) }
            let proposal = try await store.propose(topic: form["topic"] ?? "", text: form["text"] ?? "", office: form["office"], by: by)
            if let upload {
                _ = try await store.attachFile(at: upload.path, name: upload.filename, task: "proposals/\(proposal.id)", by: by, maxBytes: maxFileBytes)
            }
            trigger.yield(.localWrite)
            var response = Response.redirect(to: "/requests?flash=proposal")
            response.setCookie(CSRF.nameCookie(by.cleanedInput))
            return response
        } catch let error as SyncError {
            return try await requestsPage(request, values: form.values, errors: [error.message], status: .unprocessableContent)
                .response(from: request, context: context)
        }
    }

    /// `topic`, `people`, `names`, `period`, `by`.
    private func postTraining(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let form = try await csrf.form(request)
        let by = form["by"] ?? ""
        do {
            guard let people = Int((form["people"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                throw SyncError(.invalidValue, "Số người tham gia phải là số nguyên từ 1 đến 500.")
            }
            try await store.requestTraining(topic: form["topic"] ?? "", people: people, names: form["names"], period: form["period"], by: by)
            trigger.yield(.localWrite)
            var response = Response.redirect(to: "/requests?flash=training")
            response.setCookie(CSRF.nameCookie(by.cleanedInput))
            return response
        } catch let error as SyncError {
            var values = form.values
            values["training.topic"] = values["topic"]
            values["topic"] = nil
            return try await requestsPage(request, values: values, errors: [error.message], status: .unprocessableContent)
                .response(from: request, context: context)
        }
    }
}
