import Foundation
import Hummingbird
import SyncCore

/// Every `SyncError` reaching the router becomes a JSON answer with its stable code:
/// `{"error": {"code": …, "message": …}}`.
extension SyncError: HTTPResponseError {
    public var status: HTTPResponse.Status { .init(code: httpStatus) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let body = (try? WireCoding.encode(ErrorBody(self))) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
