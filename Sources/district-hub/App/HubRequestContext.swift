import Hummingbird
import SyncCore

/// The request context of the hub: the node the auth middleware identified, if any.
struct HubRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by `NodeAuthMiddleware`; routes never read the Authorization header themselves.
    var identity: NodeIdentity?
    /// Set by `SessionMiddleware` for the dashboard's pages.
    var session: DashboardSession?

    init(source: Source) {
        coreContext = .init(source: source)
        identity = nil
        session = nil
    }

    /// Bodies are collected by the routes with their own limits.
    var maxUploadSize: Int { SyncProtocol.maxCompressedBodyBytes }
}
