import Foundation
import Hummingbird
import SyncCore

/// The addresses the officer's screen answers to (`127.0.0.1:8181`, `localhost:8181`,
/// `[::1]:8181`…), known once the port is bound.
final class HostAllowList: @unchecked Sendable {
    private let lock = NSLock()
    private var hosts: Set<String> = []
    /// The port of a wildcard address (`0.0.0.0`, `::`): any IP literal on it is allowed.
    private var anyAddressPort: Int?

    /// Allows the screen's address with its bound port, as a browser writes it in `Host`; for
    /// a loopback address the other loopback names too, for a wildcard any IP address. A name
    /// other than `localhost` is never allowed beyond the one configured: a DNS-rebinding page
    /// reaches the screen only through a name.
    func allow(_ address: HostAndPort, port: Int) {
        lock.withLock {
            hosts.insert(HostAndPort(host: address.host, port: port).description.lowercased())
            if address.isLoopback {
                for host in ["localhost", "127.0.0.1", "[::1]"] { hosts.insert("\(host):\(port)") }
            }
            if ["0.0.0.0", "::", ""].contains(address.host) { anyAddressPort = port }
        }
    }

    func contains(_ host: String) -> Bool {
        lock.withLock {
            if hosts.contains(host.lowercased()) { return true }
            guard let port = anyAddressPort, let address = HostAndPort(host), address.port == port else { return false }
            return IPAddressLiteral.isLiteral(address.host) && host.hasPrefix("[") == address.host.contains(":")
        }
    }
}

/// Whether a host is written as an IPv4 or IPv6 address rather than a name.
enum IPAddressLiteral {
    static func isLiteral(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
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
