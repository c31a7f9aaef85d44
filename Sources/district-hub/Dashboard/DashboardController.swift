import Foundation
import Hummingbird
import HummingbirdBcrypt
import SyncCore
import WebSupport

/// The Interior Office's dashboard: sign-in, the overview matrix, a commune's page and the CSV
/// export. Every page but `/login` needs a session; the sync API keeps its node tokens.
struct DashboardController {
    let store: HubStore
    let throttle: AuthThrottle
    let metrics: HubMetrics
    /// Whether the hub serves HTTPS: its cookies are then `Secure`.
    let secureCookies: Bool
    /// Who issues the periodic report (the config's `report` keys).
    let reportHeading: ReportHeading
    /// The largest evidence file an office may attach (the config's `files.maxFileMegabytes`).
    let maxFileBytes: Int64

    /// The pre-session CSRF cookie of the sign-in form (double submit).
    static let loginCookie = "hub_login"

    /// The dashboard's routes, in a group of their own: the security headers and the sessions
    /// are the dashboard's, not the sync API's.
    func addRoutes(to router: Router<HubRequestContext>) {
        let web = router.group().add(middleware: ContentSecurityMiddleware<HubRequestContext>.screens)
            .add(middleware: ScreenHeadersMiddleware(overTLS: secureCookies))
        web.get("/assets/dashboard.css") { _, _ in Stylesheet.dashboard }
        web.get("/login") { request, _ in
            loginPage(error: nil, user: "", csrf: request.cookies[Self.loginCookie]?.value)
        }
        web.post("/login") { request, context in try await login(request, context) }

        let pages = web.group().add(middleware: SessionMiddleware(store: store)).add(middleware: PrivatePagesMiddleware())
            .group(context: DashboardContext.self)
        pages.get("/") { request, context in try await overview(request, context) }
        pages.get("/communes/:code") { request, context in try await communePage(context) }
        AdminActions(store: store).addRoutes(to: pages.group(context: AdminContext.self))
        ReadinessAndAudit(store: store).addRoutes(to: pages)
        AssessmentController(store: store).addRoutes(to: pages)
        RequestsController(store: store).addRoutes(to: pages)
        OfficeReports(store: store, maxFileBytes: maxFileBytes).addRoutes(to: pages)
        ReportPages(store: store, heading: reportHeading).addRoutes(to: pages)
        pages.get("/tasks/:id") { _, context in try await taskPage(context) }
        pages.get("/files/:sha256") { _, context in try await file(context) }
        pages.export("/export/overview", file: { _ in "tong-hop-cchc" }, sheet: "Tổng hợp") { request in try await overviewModel(request).0.rows() }
        pages.post("/logout") { request, context in
            _ = try await context.form(request)
            if let token = request.cookies[SessionMiddleware.cookieName]?.value { try await store.endSession(token: token) }
            var response = Response.redirect(to: "/login")
            response.setCookie(Cookie(name: SessionMiddleware.cookieName, value: "", maxAge: 0, path: "/", secure: secureCookies,
                                      httpOnly: true, sameSite: .lax))
            return response
        }
    }

    /// The sign-in page, with the pre-session CSRF cookie its form repeats (`csrf`, or a new one).
    private func loginPage(error: String?, user: String, csrf: String?, status: HTTPResponse.Status = .ok) -> EditedResponse<HTML> {
        let token = csrf ?? HubStore.newBrowserToken()
        let cookie = Cookie(name: Self.loginCookie, value: token, path: "/login", secure: secureCookies, httpOnly: true, sameSite: .strict)
        return EditedResponse(status: status, headers: [.setCookie: cookie.description],
                              response: DashboardPages.login(error: error, csrf: token, user: user))
    }

    /// Signs in. The throttle answers first, then a forged or stale form gets the page back with
    /// a fresh token, then the password is checked.
    private func login(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let expected = request.cookies[Self.loginCookie]?.value
        let form: PostedForm
        var forged = false
        do {
            form = try await FormDecoder.dashboard.decode(request, csrf: expected)
        } catch let refusal as CSRFRefusal {
            form = refusal.form
            forged = true
        }
        // Per address and per account: a password check is slow (bcrypt), so a throttled
        // attempt is refused before it is checked.
        let user = form["user"] ?? "", password = form["password"] ?? ""
        let keys = ("address:" + context.remoteAddress, "account:" + user.cleanedInput.prefix(100))
        if let wait = throttle.retryAfter(for: keys.0, keys.1) {
            metrics.authThrottled(kind: "dashboard")
            var page = loginPage(error: "Đăng nhập sai quá nhiều lần; hãy thử lại sau \(wait) giây.", user: form["user"] ?? "",
                                 csrf: nil, status: .tooManyRequests)
            page.headers[.retryAfter] = String(wait)
            return try page.response(from: request, context: context)
        }
        guard !forged, let expected else {
            return try loginPage(error: "Phiên đăng nhập đã hết hạn; hãy thử lại.", user: form["user"] ?? "", csrf: nil, status: .forbidden)
                .response(from: request, context: context)
        }
        // The hash is checked even for unknown users, so timing does not tell which names exist.
        let account = try await store.account(named: user)
        let hash = account?.passwordHash ?? Self.decoyHash
        let valid = try await runBlocking { DashboardPassword.verify(password, hash: hash) }
        guard valid, account != nil else {
            throttle.recordFailure(from: keys.0, keys.1)
            metrics.authFailed(kind: "dashboard")
            context.logger.warning("dashboard.sign_in_failed", metadata: ["peer": "\(context.remoteAddress)"])
            return try loginPage(error: "Sai tên đăng nhập hoặc mật khẩu.", user: user, csrf: expected, status: .unauthorized)
                .response(from: request, context: context)
        }
        let session = try await store.createSession(user: user)
        var response = Response.redirect(to: "/")
        response.setCookie(SessionMiddleware.cookie(session.token, secure: secureCookies))
        return response
    }

    /// A hash no password matches, verified for unknown names (marked, so bcrypt runs whatever
    /// the password's length).
    private static let decoyHash = DashboardPassword.marker + "$2b$12$C6UzMDM.H6dfI/f/IKxGhuH6oaW8F8rCCNq6RCL2CcNVTNyDX7MOa"

    private func filters(_ request: Request) -> [String: String] {
        var filters: [String: String] = [:]
        for name in ["year", "task", "index", "status"] {
            if let value = request.uri.queryParameters.get(name), !value.isEmpty { filters[name] = value }
        }
        return filters
    }

    private func overviewModel(_ request: Request) async throws -> (Overview, [String: String]) {
        let filters = filters(request)
        let today = CalendarDay(millis: Int64(Date().timeIntervalSince1970 * 1000))
        let year = filters["year"].flatMap { Int($0) }
        // Only the shown plan's progress is read: the other years' stay on disk.
        let plan = Overview.plan(of: try await store.tasks(), asked: year, today: today).tasks.map(\.id)
        let overview = Overview(status: try await store.hubStatus(.tasks(Set(plan))), officeReports: try await store.records(of: .officeProgress),
                                today: today, year: year, task: filters["task"], index: filters["index"], statusFilter: filters["status"])
        return (overview, filters)
    }

    private func overview(_ request: Request, _ context: DashboardContext) async throws -> HTML {
        let (overview, filters) = try await overviewModel(request)
        return DashboardPages.layout(title: "Tổng hợp tiến độ các xã", session: context.session,
                                     body: DashboardPages.overview(overview, filters: filters, admin: context.session.role == .admin))
    }

    private func taskPage(_ context: DashboardContext) async throws -> EditedResponse<HTML> {
        let id = context.parameters.get("id") ?? ""
        guard let task = try await store.tasks().first(where: { $0.id == id }) else {
            return EditedResponse(status: .notFound, response: DashboardPages.layout(
                title: "Không có nhiệm vụ này", session: context.session, body: "<p><a href=\"/\">Về trang tổng hợp</a></p>"))
        }
        let today = CalendarDay(millis: Int64(Date().timeIntervalSince1970 * 1000))
        return EditedResponse(response: DashboardPages.layout(
            title: "Nhiệm vụ \(task.id): \(task.title)", session: context.session,
            body: TaskPages.task(task, communes: try await store.hubStatus(.tasks([id])).communes, files: try await store.attachments(subject: id).filter { $0.file.task == id },
                                 session: context.session, today: today)))
    }

    private func communePage(_ context: DashboardContext) async throws -> EditedResponse<HTML> {
        let code = context.parameters.get("code") ?? ""
        guard let status = try await store.hubStatus(.commune(code)).communes.first(where: { $0.code == code }) else {
            return EditedResponse(status: .notFound, response: DashboardPages.layout(
                title: "Không có xã này", session: context.session, body: "<p><a href=\"/\">Về trang tổng hợp</a></p>"))
        }
        let tasks = try await store.tasks().filter { $0.assignment.includes(code) }
        let nodes = try await store.nodes().filter { $0.commune == code }
        // The newest 50, read newest first: not the commune's whole audit (it grows by thousands of
        // rows a year) to keep its tail.
        let history = try await store.audit(AuditFilter(commune: code, newestFirst: true, limit: 50))
        let today = CalendarDay(millis: Int64(Date().timeIntervalSince1970 * 1000))
        return EditedResponse(response: DashboardPages.layout(
            title: status.name, session: context.session,
            body: DashboardPages.commune(status, tasks: tasks, nodes: nodes, history: history,
                                         files: try await store.attachments(commune: code), today: today)))
    }

    /// An evidence file of any commune, for district staff: images and PDFs open in the
    /// browser, the rest download. A file no live record names, or not yet whole, is 404.
    private func file(_ context: DashboardContext) async throws -> Response {
        let sha256 = context.parameters.get("sha256") ?? ""
        guard let named = try await store.announcedFile(sha256), let stored = try await store.storedFile(sha256) else {
            throw HTTPError(.notFound, message: "Không có tệp này.")
        }
        return try await EvidenceDownload.response(path: FileStore(beside: store.path).objectPath(sha256), type: stored.type,
                                                   name: named.name, inline: true, context: context)
    }
}
