import Foundation
import Hummingbird
import SyncCore
import WebSupport

/// The commune PAR INDEX on the dashboard: results and their CSV and Excel files for everyone signed in, the
/// appraisal (scores, comments, the decision) for admins. Appraisals are district writes,
/// stamped, audited and sent down to the commune at its next sync, with the year's ranks.
struct AssessmentController {
    let store: HubStore

    func addRoutes(to pages: RouterGroup<DashboardContext>) {
        pages.get("/assessment") { request, context in try await results(request, context) }
        pages.export("/assessment", file: { request in "chi-so-cchc-xa" + (request.uri.queryParameters.get("year").flatMap { Int($0) }.map { "-\($0)" } ?? "") },
                     sheet: "Chỉ số CCHC") { request in try await rows(request) }
        pages.get("/assessment/communes/:code") { request, context in
            try await communePage(request, context, code: context.parameters.get("code") ?? "", errors: [])
        }
        let admin = pages.group(context: AdminContext.self)
        admin.post("/assessment/appraise") { request, context in try await appraise(request, context) }
        admin.post("/assessment/decide") { request, context in try await decide(request, context) }
    }

    /// The year asked for, or the newest with a criteria set; nil when there is none.
    private func year(_ request: Request) async throws -> (year: Int, years: [Int])? {
        let years = try await store.assessmentYears()
        if let asked = request.uri.queryParameters.get("year").flatMap({ Int($0) }) {
            return years.contains(asked) ? (asked, years) : nil
        }
        return years.first.map { ($0, years) }
    }

    private func noCriteria(_ session: DashboardSession) -> EditedResponse<HTML> {
        EditedResponse(status: .notFound, response: DashboardPages.layout(
            title: "Chỉ số CCHC cấp xã", session: session,
            body: "<p>Chưa có bộ tiêu chí cho năm này. Quản trị viên nhập bộ tiêu chí bằng lệnh <code>district-hub criteria import --db … --year NĂM TỆP.json</code>.</p>"))
    }

    private func results(_ request: Request, _ context: DashboardContext) async throws -> EditedResponse<HTML> {
        guard let (year, years) = try await year(request), let (set, version, communes) = try await store.assessments(year: year) else {
            return noCriteria(context.session)
        }
        return EditedResponse(response: DashboardPages.layout(
            title: "Chỉ số CCHC cấp xã năm \(year)", session: context.session,
            body: AssessmentPages.results(set, version: version, communes: communes, years: years, year: year)))
    }

    private func rows(_ request: Request) async throws -> [[String]] {
        guard let (year, _) = try await year(request), let (set, _, communes) = try await store.assessments(year: year) else {
            throw HTTPError(.notFound, message: "Chưa có bộ tiêu chí cho năm này.")
        }
        return AssessmentPages.rows(set, communes: communes)
    }

    private func communePage(_ request: Request, _ context: some SignedInContext, code: String, errors: [String],
                             status: HTTPResponse.Status = .ok) async throws -> EditedResponse<HTML> {
        guard let (year, _) = try await year(request), let (set, _, communes) = try await store.assessments(year: year) else {
            return noCriteria(context.session)
        }
        guard let assessment = communes.first(where: { $0.code == code }) else {
            return EditedResponse(status: .notFound, response: DashboardPages.layout(
                title: "Không có xã này", session: context.session, body: "<p><a href=\"/assessment\">Về kết quả các xã</a></p>"))
        }
        let history = Dictionary(grouping: try await store.audit(AuditFilter(commune: code, collection: RecordCollection.scores.rawValue,
                                                                                  recordPrefix: "\(code)/\(year)/")),
                                 by: \.record)
        let files = try await store.attachments(commune: code, subject: String(year)).filter { AssessmentRecords.criterionSubject($0.file.task)?.year == year }
        let errorList: HTML = errors.isEmpty ? "" : "<div class=\"errors\" role=\"alert\"><ul>\(errors.map { "<li>\($0)</li>" as HTML }.joined())</ul></div>"
        return EditedResponse(status: status, response: DashboardPages.layout(
            title: "Tự đánh giá năm \(year): \(assessment.name)", session: context.session,
            body: "\(errorList)\(AssessmentPages.commune(assessment, set: set, files: files, history: history, session: context.session))"))
    }

    /// `commune`, `year`, `score.<id>`, `comment.<id>`: writes the sub-criteria whose score or
    /// comment changed (a score equal to the commune's, never appraised before, is no change).
    private func appraise(_ request: Request, _ context: AdminContext) async throws -> Response {
        let form = try await context.form(request)
        let code = form["commune"] ?? "", year = Int(form["year"] ?? "") ?? 0
        var errors: [String] = []
        if let (_, _, communes) = try await store.assessments(year: year), let assessment = communes.first(where: { $0.code == code }) {
            var appraisals: [Appraisal] = []
            for (id, current) in assessment.criteria.sorted(by: { $0.key < $1.key }) {
                let typed = (form["score.\(id)"] ?? "").trimmingCharacters(in: .whitespaces)
                let comment = (form["comment.\(id)"] ?? "").cleanedInput
                var score: Double?
                if !typed.isEmpty {
                    guard let value = Points.parse(typed) else {
                        errors.append("Tiêu chí \(id): \"\(typed)\" không phải là số điểm.")
                        continue
                    }
                    score = Points.rounded(value)
                }
                let unchangedScore = score == current.appraised || (current.appraised == nil && score == current.selfScore)
                guard !unchangedScore || comment != (current.comment ?? "") else { continue }
                appraisals.append(Appraisal(criterion: id, score: unchangedScore ? current.appraised : score, comment: comment))
            }
            if errors.isEmpty && !appraisals.isEmpty {
                do {
                    try await store.appraise(commune: code, year: year, appraisals, by: context.session.user)
                } catch let error as SyncError {
                    errors.append(error.message)
                }
            }
        } else {
            throw HTTPError(.badRequest, message: "Yêu cầu thẩm định không hợp lệ.")
        }
        guard errors.isEmpty else {
            return try await communePage(request, context, code: code, errors: errors, status: .unprocessableContent)
                .response(from: request, context: context)
        }
        return Response.redirect(to: "/assessment/communes/\(code)?year=\(year)")
    }

    /// `commune`, `year`, `decision`, `note`: returns the assessment or closes it as appraised.
    private func decide(_ request: Request, _ context: AdminContext) async throws -> Response {
        let form = try await context.form(request)
        let code = form["commune"] ?? "", year = Int(form["year"] ?? "") ?? 0
        guard Identifiers.isCommuneCode(code), Identifiers.isYear(year) else { throw HTTPError(.badRequest, message: "Yêu cầu không hợp lệ.") }
        var errors: [String] = []
        if let decision = form["decision"].flatMap(AssessmentDecision.init(rawValue:)) {
            let note = (form["note"] ?? "").cleanedInput
            if decision == .returned && note.isEmpty {
                errors.append("Khi trả lại, hãy ghi ý kiến để xã biết cần bổ sung gì.")
            } else {
                do {
                    try await store.decide(commune: code, year: year, decision, note: note, by: context.session.user)
                } catch let error as SyncError {
                    errors.append(error.message)
                }
            }
        } else {
            errors.append("Hãy chọn trả lại hoặc hoàn thành thẩm định.")
        }
        guard errors.isEmpty else {
            return try await communePage(request, context, code: code, errors: errors, status: .unprocessableContent)
                .response(from: request, context: context)
        }
        return Response.redirect(to: "/assessment/communes/\(code)?year=\(year)")
    }
}
