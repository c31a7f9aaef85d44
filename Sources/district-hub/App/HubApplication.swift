import Foundation
import Hummingbird
import Logging
import SyncCore

/// The hub's routes, built by the same function for `serve` and for the tests.
func buildRouter(store: Store) -> Router<HubRequestContext> {
    let router = Router(context: HubRequestContext.self)
    router.get("/healthz") { _, _ -> Response in
        let healthy = (try? store.integrityCheck(quick: true)) == "ok"
        let body = healthy ? #"{"status":"ok"}"# : #"{"status":"store_failing"}"#
        return Response(status: healthy ? .ok : .serviceUnavailable,
                        headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }
    let api = router.group().add(middleware: NodeAuthMiddleware(store: store))
    SyncController(store: store).addRoutes(to: api)
    return router
}

/// The hub as an application listening on `host:port` (port 0 picks a free one);
/// `onRunning` learns the bound port.
func buildApplication(store: Store, host: String, port: Int, logger: Logger,
                      onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    Application(
        router: buildRouter(store: store),
        configuration: .init(address: .hostname(host, port: port), serverName: "district-hub"),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}
