import Foundation

/// Who may read `/metrics`: the hub's own machine, and the addresses the operator lists in
/// `metrics.allow` (a Prometheus server elsewhere). The exposition names every commune and when
/// each last synced, which is for the district's IT staff, not for anyone who can reach the
/// sync port. Behind a reverse proxy on the same machine every request comes from loopback, so
/// such a proxy must not forward `/metrics`.
struct MetricsAccess: Sendable {
    var allowed: Set<String> = []

    func allows(_ address: String) -> Bool {
        address == "127.0.0.1" || address == "::1" || address.hasPrefix("::ffff:127.") || address.hasPrefix("127.")
            || allowed.contains(address)
    }

    /// Parses `metrics.allow`: IP addresses separated by commas.
    static func parse(_ text: String?) -> MetricsAccess? {
        let addresses = (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let isAddress = { (address: String) in
            address.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == "." || $0 == ":" }
        }
        guard addresses.allSatisfy(isAddress) else { return nil }
        return MetricsAccess(allowed: Set(addresses))
    }
}
