import Foundation
import Hummingbird
import SyncCore
import WebSupport

/// The self-assessment's routes on the officer's screen: offline like the rest, every save
/// stored at once and synced later.
extension LocalWeb {
    func addAssessmentRoutes(to router: Router<BasicRequestContext>) {
        router.get("/assessment") { request, _ in try await assessmentPage(request, errors: []) }
        router.get("/assessment/areas/:id") { request, context in
            try await areaPage(request, area: context.parameters.get("id") ?? "", values: [:], errors: [])
        }
        router.post("/assessment/score") { request, context in try await postScore(request, context) }
        router.post("/assessment/submit") { request, context in try await postSubmit(request, context) }
    }

    private static let assessmentFlashes = [
        "scored": "Đã lưu điểm tiêu chí. Điểm sẽ được gửi lên huyện khi có mạng.",
        "submitted": "Đã nộp bản tự đánh giá. Bản nộp sẽ được gửi lên huyện khi có mạng.",
    ]

    private func year(_ request: Request) -> Int? {
        request.uri.queryParameters.get("year").flatMap { Int($0) }
    }

    /// No set yet: what to do about it, instead of an error.
    private func noCriteria(_ request: Request) async throws -> EditedResponse<HTML> {
        let (layout, csrf) = try await layout(request)
        return answer(layout.page(title: "Tự đánh giá Chỉ số CCHC", current: "/assessment", body: """
            <p>Máy này chưa có bộ tiêu chí nào. Bấm <em>Đồng bộ ngay</em> khi có mạng để nhận bộ tiêu chí huyện ban hành.</p>
            """), csrf: csrf)
    }

    func assessmentPage(_ request: Request, errors: [String], status: HTTPResponse.Status = .ok) async throws -> EditedResponse<HTML> {
        let years = try await store.assessmentYears()
        guard !years.isEmpty else { return try await noCriteria(request) }
        let (assessment, set) = try await store.assessment(year: year(request) ?? years[0])
        let (layout, csrf) = try await layout(request)
        let flash = request.uri.queryParameters.get("flash").flatMap { Self.assessmentFlashes[$0] }
        let body = AssessmentPages.overview(assessment, set: set, years: years, by: CSRF.rememberedName(in: request) ?? "",
                                            errors: errors, csrf: csrf)
        return answer(layout.page(title: "Tự đánh giá Chỉ số CCHC năm \(assessment.year)", current: "/assessment", flash: flash, body: body),
                      csrf: csrf, status: status)
    }

    private func areaPage(_ request: Request, area id: String, values: [String: String], errors: [String],
                          status: HTTPResponse.Status = .ok) async throws -> EditedResponse<HTML> {
        let years = try await store.assessmentYears()
        guard !years.isEmpty else { return try await noCriteria(request) }
        let year = Int(values["year"] ?? "") ?? year(request) ?? years[0]
        let (assessment, set) = try await store.assessment(year: year)
        let (layout, csrf) = try await layout(request)
        guard let area = set.areas.first(where: { $0.id == id }) else {
            return answer(layout.page(title: "Không có lĩnh vực này", current: "/assessment",
                                      body: "<p><a href=\"/assessment\">Về bản tự đánh giá</a></p>"), csrf: csrf, status: .notFound)
        }
        var shown = values
        if shown["by"] == nil, let name = CSRF.rememberedName(in: request) { shown["by"] = name }
        let flash = request.uri.queryParameters.get("flash").flatMap { Self.assessmentFlashes[$0] }
        let files = try await store.attachments().filter { AssessmentRecords.criterionSubject($0.file.task)?.year == year }
        let body = AssessmentPages.area(area, assessment: assessment, set: set, files: files, values: shown, errors: errors, csrf: csrf)
        return answer(layout.page(title: "Lĩnh vực \(area.id): \(area.title)", current: "/assessment", flash: flash, body: body),
                      csrf: csrf, status: status)
    }

    /// `year`, `criterion`, `score`, `explain`, `by` and an optional `file` (multipart): the
    /// file is attached first, then the score stored, with the rules of `commune-agent assess`.
    private func postScore(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let (form, upload) = try await decodeUpload(request)
        defer { if let upload { try? FileManager.default.removeItem(atPath: upload.path) } }
        let criterion = form["criterion"] ?? "", year = Int(form["year"] ?? "") ?? 0, by = form["by"] ?? ""
        let area = String(criterion.split(separator: ".").first ?? "")
        do {
            guard let (_, set) = try await store.criteriaSet(year: year), let leaf = set.leaf(criterion) else {
                throw SyncError(.unknownCriterion, "Không có tiêu chí thành phần \(criterion) trong bộ tiêu chí năm \(year).")
            }
            guard let score = Points.parse(form["score"] ?? "") else {
                throw SyncError(.invalidValue, "Điểm tiêu chí \(leaf.id) phải là số, ví dụ 1 hoặc 0,5.")
            }
            if let problem = leaf.problem(with: score) { throw SyncError(.invalidValue, problem) }
            if let upload {
                _ = try await store.attachFile(at: upload.path, name: upload.filename, task: "\(year)/\(leaf.id)", by: by, maxBytes: maxFileBytes)
            }
            try await store.assess(criterion: leaf.id, year: year, score: score, explain: form["explain"] ?? "", by: by)
            trigger.yield(.localWrite)
            var response = Response.redirect(to: "/assessment/areas/\(area)?year=\(year)&flash=scored#c-\(leaf.id)")
            response.setCookie(CSRF.nameCookie(by.cleanedInput))
            return response
        } catch let error as SyncError {
            return try await areaPage(request, area: area, values: form.values, errors: [error.message], status: .unprocessableContent)
                .response(from: request, context: context)
        }
    }

    /// `year`, `by`: submits the year's self-assessment for appraisal.
    private func postSubmit(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let form = try await csrf.form(request)
        let year = Int(form["year"] ?? "") ?? 0, by = form["by"] ?? ""
        do {
            _ = try await store.submitAssessment(year: year, by: by)
            trigger.yield(.localWrite)
            var response = Response.redirect(to: "/assessment?year=\(year)&flash=submitted")
            response.setCookie(CSRF.nameCookie(by.cleanedInput))
            return response
        } catch let error as SyncError {
            return try await assessmentPage(request, errors: [error.message], status: .unprocessableContent).response(from: request, context: context)
        }
    }
}
