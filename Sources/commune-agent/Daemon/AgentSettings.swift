import Foundation
import Logging
import SyncCore

/// The daemon's settings: `/etc/commune-agent/config.json` (or `--config`), each key
/// overridable by an `AGENT_…` environment variable. Defaults suit a rural link.
struct AgentSettings: Sendable {
    static let defaultFile = "/etc/commune-agent/config.json"

    /// Sync this often when nothing else happens.
    var interval: Duration
    /// Sync this soon after a local write.
    var afterWrite: Duration
    var backoffInitial: Duration
    var backoffMax: Duration
    var http: CurlHTTPClient
    /// A token file that overrides the credential and the file given to `init`.
    var tokenFile: String?
    /// The hub and the commune, so a daemon set up by its config needs no `init`.
    var hubURL: String?
    var commune: String?
    var logLevel: Logger.Level
    /// May the agent talk plain HTTP to a hub that is not on this machine? Only if said so.
    var allowInsecureHTTP: Bool
    /// Where the officer's screen listens: loopback unless the operator says otherwise.
    var web: HostAndPort
    /// The screen has no sign-in (it trusts whoever sits at the office PC), so listening
    /// beyond this machine must be asked for in so many words.
    var webAllowRemote: Bool
    /// The largest evidence file an officer may attach.
    var maxFileBytes: Int64
    /// How much of a file one upload request carries: a cut costs at most this much again.
    var uploadChunkBytes: Int
    /// How long a file no record names stays on this PC's disk.
    var fileGrace: Duration

    static func load(file: String?, environment: [String: String]) async throws -> AgentSettings {
        let settings = try await Settings.load(file: file, defaultFile: defaultFile, environmentPrefix: "agent",
                                               environment: environment)
        var http = CurlHTTPClient()
        http.connectTimeoutMs = Int(try settings.seconds("http.connectTimeout", default: 10, range: 1...300).milliseconds)
        http.totalTimeoutMs = Int(try settings.seconds("http.timeout", default: 120, range: 5...3600).milliseconds)
        http.lowSpeedBytes = try settings.int("http.lowSpeedLimit", default: 100, range: 1...1_000_000)
        http.lowSpeedSeconds = Int(try settings.seconds("http.lowSpeedTime", default: 30, range: 1...600).milliseconds / 1000)
        http.caFile = try settings.string("tls.caFile")
        if let caFile = http.caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw SettingsError(key: "tls.caFile (AGENT_TLS_CA_FILE)", reason: "cannot read \(caFile)")
        }
        http.pinnedPublicKeys = try settings.string("tls.pinnedKeys")
        if let pins = http.pinnedPublicKeys, !pins.split(separator: ";").allSatisfy({ $0.hasPrefix("sha256//") && $0.count > 16 }) {
            throw SettingsError(key: "tls.pinnedKeys (AGENT_TLS_PINNED_KEYS)", reason: "must be sha256//<base64> pins separated by ';'")
        }
        let result = AgentSettings(
            interval: try settings.seconds("sync.interval", default: 60, range: 1...86_400),
            afterWrite: try settings.seconds("sync.afterWrite", default: 2, range: 0...600),
            backoffInitial: try settings.seconds("backoff.initial", default: 5, range: 0.1...3_600),
            backoffMax: try settings.seconds("backoff.max", default: 900, range: 0.1...86_400),
            http: http,
            tokenFile: try settings.string("tokenFile"),
            hubURL: try settings.string("hub.url"),
            commune: try settings.string("commune"),
            logLevel: try settings.logLevel("log.level", default: .info),
            allowInsecureHTTP: try settings.bool("hub.allowInsecureHTTP", default: false),
            web: try settings.hostAndPort("web.listen", default: "127.0.0.1:8181"),
            webAllowRemote: try settings.bool("web.allowRemote", default: false),
            maxFileBytes: Int64(try settings.int("files.maxFileMegabytes", default: 25, range: 1...4_096)) << 20,
            uploadChunkBytes: try settings.int("files.chunkKilobytes", default: 256, range: 16...16_384) << 10,
            fileGrace: .seconds(86_400 * (try settings.int("files.graceDays", default: 30, range: 1...3_650))))
        if let url = result.hubURL, URL(string: url).map({ ["http", "https"].contains($0.scheme ?? "") && $0.host != nil }) != true {
            throw SettingsError(key: "hub.url (AGENT_HUB_URL)", reason: "must be an http:// or https:// address, not \(url)")
        }
        if let commune = result.commune, !Identifiers.isCommuneCode(commune) {
            throw SettingsError(key: "commune (AGENT_COMMUNE)", reason: "must be a commune code such as long-dong, not \(commune)")
        }
        guard result.backoffMax >= result.backoffInitial else {
            throw SettingsError(key: "backoff.max", reason: "must not be below backoff.initial")
        }
        return result
    }
}

extension AgentSettings {
    /// The hub's address and this node's token, checked, for a command that talks to the hub.
    func hubAccess(_ store: AgentStore) async throws -> (identity: AgentIdentity, token: String, transport: CurlSyncTransport) {
        let identity = try await store.agentIdentity()
        let token = try NodeToken.read(NodeToken.path(configured: tokenFile, identity: identity))
        try token.check(commune: identity.commune)
        return (identity, token.text, try transport(hubURL: identity.hubURL))
    }

    /// The settings, or a clear message naming the key and exit 78 (EX_CONFIG).
    static func loadOrExit(file: String?) async throws -> AgentSettings {
        do {
            return try await load(file: file, environment: ProcessInfo.processInfo.environment)
        } catch let error as SettingsError {
            ExitStatus.config.exit(saying: "commune-agent: \(error)")
        }
    }

    /// The libcurl transport to the hub at `url`, refusing plain HTTP to a hub elsewhere than
    /// this machine unless the configuration allows it: the node token travels in every request.
    func transport(hubURL url: String, abort: AbortSignal? = nil) throws -> CurlSyncTransport {
        guard let parsed = URL(string: url), let host = parsed.host?.lowercased() else {
            throw SyncError(.invalidInput, "the hub address \(url) is not a URL")
        }
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        if parsed.scheme?.lowercased() == "http" && !loopback && !allowInsecureHTTP {
            throw SyncError(.invalidInput, "Máy chủ huyện \(url) dùng http:// không mã hoá; hãy dùng https:// (hoặc đặt hub.allowInsecureHTTP trong cấu hình nếu mạng an toàn).")
        }
        var client = http
        client.abort = abort
        return CurlSyncTransport(hubURL: url, client: client)
    }
}
