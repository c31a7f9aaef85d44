import Foundation
import Hummingbird
import Logging
import SyncCore

/// `POST /v1/sync`: the one round trip of the sync exchange.
struct SyncController {
    let store: HubStore
    let metrics: HubMetrics

    func addRoutes(to group: RouterGroup<HubRequestContext>) {
        group.post(RouterPath(SyncProtocol.path), use: sync)
    }

    @Sendable func sync(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard let identity = context.identity else { throw SyncError(.unauthorized, "no node identified") }
        let started = ContinuousClock.now
        do {
            let response = try await exchange(request, identity: identity, context: context)
            metrics.request(outcome: "ok")
            metrics.duration(ContinuousClock.now - started)
            return response
        } catch let error as SyncError {
            metrics.request(outcome: error.code.rawValue)
            try? await store.recordNodeError(node: identity.node, "\(error.code): \(error.message)")
            context.logger.warning("sync.refused", metadata: ["error.code": "\(error.code)", "error.message": "\(error.message)"])
            throw error
        }
    }

    private func exchange(_ request: Request, identity: NodeIdentity, context: HubRequestContext) async throws -> Response {
        var request = request
        let collected: ByteBuffer
        do {
            collected = try await request.collectBody(upTo: SyncProtocol.maxCompressedBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw SyncError(.tooLarge, "the request body is over \(SyncProtocol.maxCompressedBodyBytes) bytes")
        }
        metrics.bodyBytes(collected.readableBytes, direction: "in")
        let syncRequest = try SyncRequestBody.decode(Data(buffer: collected), contentEncoding: request.headers[.contentEncoding])
        let result = try await store.exchange(syncRequest, from: identity)
        metrics.changes(result)
        metrics.node(commune: identity.commune, seenAt: Date(), clockOffsetMs: result.response.clock - syncRequest.clock)
        context.logger.info("sync.exchange", metadata: [
            "commune": "\(identity.commune)",
            "sync.push.count": "\(syncRequest.changes.count)",
            "sync.rejected.count": "\(result.rejected)",
            "sync.pull.count": "\(result.response.changes.count)",
        ])
        var encoded = try WireCoding.encode(result.response)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if request.headers[.acceptEncoding]?.contains("gzip") == true {
            encoded = try Gzip.compress(encoded)
            headers[.contentEncoding] = "gzip"
        }
        metrics.bodyBytes(encoded.count, direction: "out")
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: encoded)))
    }
}
