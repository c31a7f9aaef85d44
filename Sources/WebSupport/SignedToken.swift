import Crypto
import Foundation

/// CSRF tokens bound to a server-side key: a random nonce and its HMAC-SHA256, so a token is
/// accepted only if this server made it. Double submit alone trusts any value the cookie holds,
/// and a cookie can be planted (by a sibling site, or a page on another port of `localhost`);
/// a planted value without the key's signature is refused.
public struct SignedTokens: Sendable {
    /// Raw bytes: `SymmetricKey` is not `Sendable`.
    private let key: [UInt8]

    public init(key: [UInt8]) {
        self.key = key
    }

    /// `nonce.signature`, both hexadecimal.
    public func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let nonce = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }.hex
        return "\(nonce).\(signature(of: nonce))"
    }

    /// Whether `token` is one this key made.
    public func isGenuine(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count == 32 else { return false }
        return FormDecoder.constantTimeEqual(String(parts[1]), signature(of: String(parts[0])))
    }

    private func signature(of nonce: String) -> String {
        Array(HMAC<SHA256>.authenticationCode(for: Data(nonce.utf8), using: SymmetricKey(data: key))).hex
    }
}

extension [UInt8] {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
