import Foundation

/// `HOST:PORT`, as the hub's `--listen` and `listen` setting and the agent's `--web` and
/// `web.listen` setting take it. The port is the text after the last colon, so an IPv6 host may
/// be written bare or in brackets (`[::1]:8080`); port 0 asks the system for a free one.
public struct HostAndPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
            let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}
