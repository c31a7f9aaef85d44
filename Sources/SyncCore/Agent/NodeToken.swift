import Foundation

/// A node's credential as `district-hub enroll` prints it: `<node>.<commune>.<64 hex digits>`,
/// 256 random bits behind the node id and the commune it was issued for. The hub keeps only its
/// SHA-256 and trusts its own record of the commune; the agent reads the commune from the
/// token only to catch a token copied to the wrong office before anything is sent.
public struct NodeToken: Sendable, Hashable {
    public let text: String
    public let node: String
    public let commune: String

    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].hasPrefix("n-"), parts[0].count <= 40,
            Identifiers.isCommuneCode(String(parts[1])),
            parts[2].count == 64, parts[2].allSatisfy(\.isHexDigit)
        else { return nil }
        self.text = text
        node = String(parts[0])
        commune = String(parts[1])
    }

    /// Reads the token from its file: tokens never appear on a command line.
    public static func read(_ path: String) throws -> NodeToken {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SyncError(.invalidInput, "Không đọc được tệp mã truy cập \(path) (cannot read the token file).")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let token = NodeToken(text) else {
            throw SyncError(.invalidInput, "Tệp \(path) không chứa mã truy cập hợp lệ do huyện cấp (not a node token).")
        }
        return token
    }

    /// Refuses a token issued for another commune than the one this office is set up for.
    public func check(commune expected: String) throws {
        guard commune == expected else {
            throw SyncError(.invalidInput, "Mã truy cập này được cấp cho đơn vị \(commune), không phải \(expected). Kiểm tra lại tệp mã truy cập hoặc mã xã.")
        }
    }

    /// The credential name the systemd unit loads the token under (`LoadCredential=node-token:…`).
    public static let credentialName = "node-token"

    /// Where this node's token is read from: the configured file if any, else the systemd
    /// credential when the service runs with one, else the file given to `init`.
    public static func path(configured: String?, identity: AgentIdentity,
                            environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let configured { return configured }
        if let directory = environment["CREDENTIALS_DIRECTORY"] {
            let credential = URL(fileURLWithPath: directory).appendingPathComponent(credentialName).path
            if FileManager.default.fileExists(atPath: credential) { return credential }
        }
        return identity.tokenFile
    }
}
