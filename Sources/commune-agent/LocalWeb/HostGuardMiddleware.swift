import Foundation
import Hummingbird

/// The addresses the officer's screen answers to (`127.0.0.1:8181`, `localhost:8181`…), known
/// once the port is bound.
final class HostAllowList: @unchecked Sendable {
    private let lock = NSLock()
    private var hosts: Set<String> = []

    /// Allows `host:port`, and `localhost:port` too when the host is a loopback address.
    func allow(host: String, port: Int) {
        lock.withLock {
            hosts.insert("\(host):\(port)".lowercased())
            if host == "127.0.0.1" || host == "::1" || host == "[::1]" {
                hosts.insert("localhost:\(port)")
                hosts.insert("127.0.0.1:\(port)")
            }
        }
    }

    func contains(_ host: String) -> Bool {
        lock.withLock { hosts.contains(host.lowercased()) }
    }
}

/// Refuses any request whose `Host` is not the configured address: a web page elsewhere that
/// resolves its own name to 127.0.0.1 (DNS rebinding) cannot reach the officer's screen.
struct HostGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let hosts: HostAllowList

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // HTTP/1.1 carries the Host header as the request's authority.
        guard let host = request.head.authority, hosts.contains(host) else {
            return Response(status: .misdirectedRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "Địa chỉ không hợp lệ (unexpected Host).\n")))
        }
        return try await next(request, context)
    }
}
