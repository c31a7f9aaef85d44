import Hummingbird
import SyncCore

/// The request context of the hub: the node the auth middleware identified, if any.
struct HubRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by `NodeAuthMiddleware`; routes never read the Authorization header themselves.
    var identity: NodeIdentity?
    /// Set by `SessionMiddleware`; the dashboard's pages read it as `DashboardContext.session`,
    /// which is not optional.
    var session: DashboardSession?
    /// The peer's IP address, for throttling failed authentication.
    let remoteAddress: String

    init(source: Source) {
        coreContext = .init(source: source)
        identity = nil
        session = nil
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Bodies are collected by the routes with their own limits.
    var maxUploadSize: Int { SyncProtocol.maxCompressedBodyBytes }
}
