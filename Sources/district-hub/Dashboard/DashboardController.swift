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
    /// Whether the hub serves HTTPS: its cookies are then `Secure`.
    let secureCookies: Bool

    /// The pre-session CSRF cookie of the sign-in form (double submit).
    static let loginCookie = "hub_login"

    func addRoutes(to router: Router<HubRequestContext>) {
        router.get("/assets/dashboard.css") { _, _ in WebSupport.css(DashboardStyle.css) }
        router.get("/login") { request, _ in
            loginPage(error: nil, user: "", csrf: request.cookies[Self.loginCookie]?.value)
        }
        router.post("/login") { request, context in try await login(request, from: context.remoteAddress) }

        let pages = router.group().add(middleware: SessionMiddleware(store: store))
        pages.get("/") { request, context in try overview(request, context) }
        pages.get("/communes/:code") { request, context in try communePage(context) }
        AdminActions(store: store).addRoutes(to: pages)
        ReadinessAndAudit(store: store).addRoutes(to: pages)
        pages.get("/tasks/:id") { _, context in try taskPage(context) }
        pages.get("/export/overview.csv") { request, context in try exportOverview(request) }
        pages.post("/logout") { request, context in
            _ = try await DashboardForm(request, session: context.session)
            if let token = request.cookies[SessionMiddleware.cookieName]?.value { try await store.endSession(token: token) }
            var response = WebSupport.redirect(to: "/login")
            response.setCookie(Cookie(name: SessionMiddleware.cookieName, value: "", maxAge: 0, path: "/", secure: secureCookies,
                                      httpOnly: true, sameSite: .lax))
            return response
        }
    }

    private func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        WebSupport.html(body, status: status)
    }

    private func loginPage(error: String?, user: String, csrf: String?, status: HTTPResponse.Status = .ok) -> Response {
        let token = csrf ?? HubStore.newBrowserToken()
        var response = html(DashboardPages.login(error: error, csrf: token, user: user), status: status)
        response.setCookie(Cookie(name: Self.loginCookie, value: token, path: "/login", secure: secureCookies, httpOnly: true,
                                  sameSite: .strict))
        return response
    }

    private func login(_ request: Request, from address: String) async throws -> Response {
        let form = try await WebSupport.decodeForm(request)
        if let wait = throttle.retryAfter(for: address) {
            var response = loginPage(error: "Đăng nhập sai quá nhiều lần; hãy thử lại sau \(wait) giây.", user: form["user"] ?? "",
                                     csrf: nil, status: .tooManyRequests)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        guard let expected = request.cookies[Self.loginCookie]?.value, let given = form["csrf"], WebSupport.constantTimeEqual(given, expected) else {
            return loginPage(error: "Phiên đăng nhập đã hết hạn; hãy thử lại.", user: form["user"] ?? "", csrf: nil, status: .forbidden)
        }
        let user = form["user"] ?? "", password = form["password"] ?? ""
        // The hash is checked even for unknown users, so timing does not tell which names exist.
        let account = try await store.account(named: user)
        let hash = account?.passwordHash ?? Self.decoyHash
        let valid = try await runBlocking { Bcrypt.verify(password, hash: hash) }
        guard valid, account != nil else {
            throttle.recordFailure(from: address)
            return loginPage(error: "Sai tên đăng nhập hoặc mật khẩu.", user: user, csrf: expected, status: .unauthorized)
        }
        let session = try await store.createSession(user: user)
        var response = WebSupport.redirect(to: "/")
        response.setCookie(SessionMiddleware.cookie(session.token, secure: secureCookies))
        return response
    }

    /// A bcrypt hash no password matches, verified for unknown names.
    private static let decoyHash = "$2b$12$C6UzMDM.H6dfI/f/IKxGhuH6oaW8F8rCCNq6RCL2CcNVTNyDX7MOa"

    private func filters(_ request: Request) -> [String: String] {
        var filters: [String: String] = [:]
        for name in ["task", "index", "status"] {
            if let value = request.uri.queryParameters.get(name), !value.isEmpty { filters[name] = value }
        }
        return filters
    }

    private func overviewModel(_ request: Request) throws -> (Overview, [String: String]) {
        let filters = filters(request)
        let overview = Overview(status: try store.hubStatus(), today: CalendarDay(millis: Int64(Date().timeIntervalSince1970 * 1000)),
                                task: filters["task"], index: filters["index"], statusFilter: filters["status"])
        return (overview, filters)
    }

    private func overview(_ request: Request, _ context: HubRequestContext) throws -> Response {
        let (overview, filters) = try overviewModel(request)
        return html(DashboardPages.layout(title: "Tổng hợp tiến độ các xã", session: context.session,
                                          body: DashboardPages.overview(overview, filters: filters, admin: context.session?.role == .admin)))
    }

    private func exportOverview(_ request: Request) throws -> Response {
        let (overview, _) = try overviewModel(request)
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8",
            .contentDisposition: "attachment; filename=\"tong-hop-cchc.csv\"",
        ], body: .init(byteBuffer: ByteBuffer(string: overview.csv())))
    }

    private func taskPage(_ context: HubRequestContext) throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let task = try store.tasks().first(where: { $0.id == id }), let session = context.session else {
            return html(DashboardPages.layout(title: "Không có nhiệm vụ này", session: context.session, body: "<p><a href=\"/\">Về trang tổng hợp</a></p>"),
                        status: .notFound)
        }
        let today = CalendarDay(millis: Int64(Date().timeIntervalSince1970 * 1000))
        return html(DashboardPages.layout(title: "Nhiệm vụ \(task.id): \(task.title)", session: session,
                                          body: TaskPages.task(task, communes: try store.hubStatus().communes, session: session, today: today)))
    }

    private func communePage(_ context: HubRequestContext) throws -> Response {
        let code = context.parameters.get("code") ?? ""
        guard let status = try store.hubStatus().communes.first(where: { $0.code == code }) else {
            return html(DashboardPages.layout(title: "Không có xã này", session: context.session, body: "<p><a href=\"/\">Về trang tổng hợp</a></p>"),
                        status: .notFound)
        }
        let tasks = try store.tasks().filter { $0.assignment.includes(code) }
        let nodes = try store.nodes().filter { $0.commune == code }
        let history = Array(try store.audit(commune: code).suffix(50).reversed())
        let today = CalendarDay(millis: Int64(Date().timeIntervalSince1970 * 1000))
        return html(DashboardPages.layout(title: status.name, session: context.session,
                                          body: DashboardPages.commune(status, tasks: tasks, nodes: nodes, history: history, today: today)))
    }
}
