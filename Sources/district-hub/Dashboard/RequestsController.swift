import Foundation
import Hummingbird
import SyncCore
import WebSupport

/// The communes' proposals (an inbox by office and state, answered by admins) and training
/// requests (demand by topic, turned into sessions sent down to the invited communes).
struct RequestsController {
    let store: HubStore

    func addRoutes(to pages: RouterGroup<DashboardContext>) {
        pages.get("/proposals") { request, context in try await proposals(request, context) }
        pages.get("/training") { _, context in try await training(context, errors: []) }
        let admin = pages.group(context: AdminContext.self)
        admin.post("/proposals/answer") { request, context in try await answer(request, context) }
        admin.post("/training/sessions") { request, context in try await plan(request, context) }
    }

    private func communeNames() async throws -> [(code: String, name: String)] {
        try await store.hubStatus(.names).communes.map { ($0.code, $0.name) }
    }

    private func proposals(_ request: Request, _ context: DashboardContext) async throws -> HTML {
        var filters: [String: String] = [:]
        for name in ["office", "state"] {
            if let value = request.uri.queryParameters.get(name), !value.isEmpty { filters[name] = value }
        }
        let names = Dictionary(uniqueKeysWithValues: try await communeNames().map { ($0.code, $0.name) })
        let proposals = try await store.proposals()
        // Each proposal's own files, by key range; not every file of every commune.
        var files: [HubAttachment] = []
        for proposal in proposals { files += try await store.attachments(commune: proposal.commune, subject: "proposals/\(proposal.id)") }
        return DashboardPages.layout(title: "Khó khăn, vướng mắc, kiến nghị của các xã", session: context.session,
                                     body: RequestPages.proposals(proposals, communes: names, files: files,
                                                                  filters: filters, session: context.session))
    }

    private func training(_ context: some SignedInContext, errors: [String], status: HTTPResponse.Status = .ok) async throws -> EditedResponse<HTML> {
        EditedResponse(status: status, response: DashboardPages.layout(
            title: "Đăng ký tập huấn, hỗ trợ", session: context.session,
            body: RequestPages.training(try await store.trainingDemand(), sessions: try await store.sessions(), communes: try await communeNames(),
                                        errors: errors, session: context.session)))
    }

    /// `commune`, `id`, `answer`, `state` (`in_progress` or `answered`).
    private func answer(_ request: Request, _ context: AdminContext) async throws -> Response {
        let form = try await context.form(request)
        guard let state = form["state"].flatMap(ProposalState.init(rawValue:)) else {
            throw HTTPError(.badRequest, message: "Yêu cầu không hợp lệ.")
        }
        do {
            try await store.answerProposal(commune: form["commune"] ?? "", id: form["id"] ?? "", state: state, answer: form["answer"],
                                           by: context.session.user)
        } catch let error as SyncError {
            throw HTTPError(.unprocessableContent, message: error.code == .invalidInput ? "Hãy viết câu trả lời trước khi bấm Trả lời." : error.message)
        }
        return Response.redirect(to: "/proposals")
    }

    /// `topic`, `date`, `place`, `trainer`, `note`, `commune.<code>` for each commune invited.
    private func plan(_ request: Request, _ context: AdminContext) async throws -> Response {
        let form = try await context.form(request)
        let invited = try await communeNames().map(\.code).filter { form["commune.\($0)"] != nil }
        do {
            try await store.planSession(topic: form["topic"] ?? "", date: form["date"] ?? "", place: form["place"] ?? "",
                                        trainer: form["trainer"], communes: invited, note: form["note"], by: context.session.user)
        } catch let error as SyncError {
            let message = invited.isEmpty ? "Hãy chọn ít nhất một xã được mời." : "Chưa lưu được lớp: \(error.message)"
            return try await training(context, errors: [message], status: .unprocessableContent).response(from: request, context: context)
        }
        return Response.redirect(to: "/training")
    }
}
