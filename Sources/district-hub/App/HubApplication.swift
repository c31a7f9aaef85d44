import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import SyncCore

/// The hub's routes, built by the same function for `serve` and for the tests.
func buildRouter(store: HubStore, metrics: HubMetrics, throttle: AuthThrottle = AuthThrottle(),
                 secureCookies: Bool = false, metricsAccess: MetricsAccess = MetricsAccess(),
                 fileLimits: FileLimits = FileLimits(), reportHeading: ReportHeading = .unconfigured) -> Router<HubRequestContext> {
    let router = Router(context: HubRequestContext.self)
    router.get("/healthz") { _, _ -> Response in
        let healthy = (try? await store.ping()) != nil
        let body = healthy ? #"{"status":"ok"}"# : #"{"status":"store_failing"}"#
        return Response(status: healthy ? .ok : .serviceUnavailable,
                        headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }
    router.get("/metrics") { _, context -> Response in
        guard metricsAccess.allows(context.remoteAddress) else {
            throw SyncError(.forbidden, "/metrics answers this machine and the addresses in metrics.allow only")
        }
        metrics.store(at: store.path)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
    }
    DashboardController(store: store, throttle: throttle, metrics: metrics, secureCookies: secureCookies, reportHeading: reportHeading,
                        maxFileBytes: fileLimits.maxFileBytes)
        .addRoutes(to: router)
    let api = router.group().add(middleware: NodeAuthMiddleware(store: store, metrics: metrics, throttle: throttle))
    SyncController(store: store, metrics: metrics).addRoutes(to: api)
    FileController(store: store, files: FileStore(beside: store.path), limits: fileLimits, metrics: metrics).addRoutes(to: api)
    return router
}

/// How many connections may wait to be accepted. Hummingbird's default of 256 overflowed when
/// 1,000 nodes synced at once (the kernel dropped 440 SYNs, each costing its node a 1 s
/// retransmit: Benchmarks/README.md); the kernel caps it at `net.core.somaxconn`.
let listenBacklog = 4096

/// The hub as an application listening on `host:port` (port 0 picks a free one), over HTTPS
/// when `server` says so; `onRunning` learns the bound port.
func buildApplication(store: HubStore, host: String, port: Int, logger: Logger, metrics: HubMetrics = HubMetrics(),
                      server: HTTPServerBuilder = .http1(), secureCookies: Bool = false,
                      metricsAccess: MetricsAccess = MetricsAccess(), fileLimits: FileLimits = FileLimits(),
                      reportHeading: ReportHeading = .unconfigured, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    Application(
        router: buildRouter(store: store, metrics: metrics, secureCookies: secureCookies, metricsAccess: metricsAccess,
                            fileLimits: fileLimits, reportHeading: reportHeading),
        server: server,
        configuration: .init(address: .hostname(host, port: port), serverName: "district-hub", backlog: listenBacklog),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}
