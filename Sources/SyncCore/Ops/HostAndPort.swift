import Foundation

/// `HOST:PORT`, as the hub's `--listen` and `listen` setting and the agent's `--web` and
/// `web.listen` setting take it. The port is the text after the last colon, so an IPv6 host may
/// be written bare or in brackets (`[::1]:8080`); port 0 asks the system for a free one.
public struct HostAndPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
            let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.port = port
    }

    /// As a URL or a `Host` header writes it: an IPv6 host in brackets (`[::1]:8181`).
    public var description: String { "\(bracketedHost):\(port)" }

    public var bracketedHost: String { host.contains(":") ? "[\(host)]" : host }

    /// Whether only this machine can reach the address: a loopback host (`127.0.0.0/8`, `::1`,
    /// `localhost`), not a wildcard (`0.0.0.0`, `::`) nor a network interface.
    public var isLoopback: Bool {
        let name = host.lowercased()
        return name == "localhost" || name == "::1" || name.hasPrefix("127.")
    }
}
