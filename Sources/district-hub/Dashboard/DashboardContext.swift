import Hummingbird
import SyncCore
import WebSupport

/// The context of a signed-in page: its session is there, not optional, so no page can forget
/// to check it. Built from the hub's context after `SessionMiddleware` found a live session.
struct DashboardContext: ChildRequestContext, SignedInContext {
    var coreContext: CoreRequestContextStorage
    let session: DashboardSession

    init(context: HubRequestContext) throws {
        // Only reachable if a route group skipped `SessionMiddleware`, which redirects first.
        guard let session = context.session else { throw HTTPError(.unauthorized) }
        coreContext = context.coreContext
        self.session = session
    }
}

/// The context of what only admins may do: creating and editing tasks, reviewing reports. A
/// viewer is refused before the handler runs.
struct AdminContext: ChildRequestContext, SignedInContext {
    var coreContext: CoreRequestContextStorage
    let session: DashboardSession

    init(context: DashboardContext) throws {
        guard context.session.role == .admin else {
            throw HTTPError(.forbidden, message: "Chỉ tài khoản quản trị được làm việc này.")
        }
        coreContext = context.coreContext
        session = context.session
    }
}

/// A context whose request comes from a signed-in browser.
protocol SignedInContext: RequestContext {
    var session: DashboardSession { get }
}

extension SignedInContext {
    /// The posted form, if it carries this session's CSRF token.
    func form(_ request: Request) async throws -> PostedForm {
        try await FormDecoder.dashboard.decode(request, csrf: session.csrf)
    }
}

extension FormDecoder {
    /// Reads the dashboard's forms: the sign-in form against its cookie, the others against
    /// the session's token.
    static let dashboard = FormDecoder(refusal: "Biểu mẫu không hợp lệ hoặc phiên đã hết hạn; hãy tải lại trang.")
}
