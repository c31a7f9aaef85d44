import Crypto
import Foundation
import HummingbirdBcrypt
import SyncCore

/// How a district account's password is kept and checked.
///
/// bcrypt reads only the first 72 bytes of what it hashes, and a Vietnamese passphrase reaches
/// 72 bytes in about thirty letters: two passphrases alike up to there would both sign in. So
/// the password (NFC) is first hashed with SHA-256 and bcrypt hashes that (44 base64 bytes),
/// marked `sha256$`. A hash from before (plain bcrypt) still verifies, for passwords of at most
/// 72 bytes, until the account's password is set again.
enum DashboardPassword {
    static let marker = "sha256$"
    /// Shorter passwords are refused: the dashboard can be reached across the district LAN.
    static let minimumLength = 10

    /// Why `password` cannot be an account's, or nil when it can.
    static func refusal(_ password: String) -> String? {
        if password.trimmingCharacters(in: .whitespaces).isEmpty { return "the password must not be blank" }
        if password.count < minimumLength { return "the password must have at least \(minimumLength) characters" }
        return nil
    }

    /// bcrypt, cost 12 by default: about a quarter of a second per guess on this class of machine.
    static func hash(_ password: String, cost: UInt8 = 12) -> String {
        marker + Bcrypt.hash(prehash(password), cost: cost)
    }

    static func verify(_ password: String, hash: String) -> Bool {
        if hash.hasPrefix(marker) { return Bcrypt.verify(prehash(password), hash: String(hash.dropFirst(marker.count))) }
        return password.utf8.count <= 72 && Bcrypt.verify(password, hash: hash)
    }

    private static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.nfc.utf8))).base64EncodedString()
    }
}
