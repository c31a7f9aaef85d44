import Foundation
import Hummingbird
import Logging
import SyncCore

/// `POST /v1/sync`: the one round trip of the sync exchange.
struct SyncController {
    let store: Store

    func addRoutes(to group: RouterGroup<HubRequestContext>) {
        group.post(RouterPath(SyncProtocol.path), use: sync)
    }

    @Sendable func sync(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard let identity = context.identity else { throw SyncError(.unauthorized, "no node identified") }
        var request = request
        let collected: ByteBuffer
        do {
            collected = try await request.collectBody(upTo: SyncProtocol.maxCompressedBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw SyncError(.tooLarge, "the request body is over \(SyncProtocol.maxCompressedBodyBytes) bytes")
        }
        var body = Data(buffer: collected)
        if let encoding = request.headers[.contentEncoding]?.lowercased(), encoding != "identity" {
            guard encoding == "gzip" else { throw SyncError(.invalidInput, "unsupported Content-Encoding \(encoding)") }
            body = try Gzip.decompress(body, maxBytes: SyncProtocol.maxInflatedBodyBytes)
        }
        let syncRequest = try WireCoding.decode(SyncRequest.self, from: body)
        let response = try await store.exchange(syncRequest, from: identity)
        context.logger.info("sync.exchange", metadata: [
            "commune": "\(identity.commune)",
            "sync.push.count": "\(syncRequest.changes.count)",
            "sync.rejected.count": "\(response.rejected.count)",
            "sync.pull.count": "\(response.changes.count)",
        ])
        var encoded = try WireCoding.encode(response)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if request.headers[.acceptEncoding]?.contains("gzip") == true {
            encoded = try Gzip.compress(encoded)
            headers[.contentEncoding] = "gzip"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: encoded)))
    }
}
