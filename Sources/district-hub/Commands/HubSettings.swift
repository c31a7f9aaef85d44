import Foundation
import Logging
import SyncCore

/// The hub's settings: `/etc/district-hub/config.json` (or `--config`), each key overridable
/// by a `HUB_…` environment variable.
struct HubSettings: Sendable {
    static let defaultFile = "/etc/district-hub/config.json"

    var listen: HostAndPort
    /// How far ahead of the hub's clock a node's timestamp may be and still be adopted.
    var maxClockDrift: Duration
    var logLevel: Logger.Level
    /// PEM files: with both, the hub serves HTTPS itself.
    var tlsCertificate: String?
    var tlsKey: String?
    var metricsAccess: MetricsAccess
    /// Evidence files: per file, and per commune in all.
    var fileLimits: FileLimits
    /// How long a file no record names, or an abandoned upload, stays before it is removed.
    var fileGrace: Duration
    /// Who issues the periodic report and who receives it.
    var report: ReportHeading

    /// The settings of this process (its file and its environment), or the program ends with
    /// the key and the reason (exit 78) before it does anything.
    static func loadOrExit(file: String?) async throws -> HubSettings {
        do {
            return try await load(file: file, environment: ProcessInfo.processInfo.environment)
        } catch let error as SettingsError {
            ExitStatus.config.exit(saying: "district-hub: \(error)")
        }
    }

    static func load(file: String?, environment: [String: String]) async throws -> HubSettings {
        let settings = try await Settings.load(file: file, defaultFile: defaultFile, environmentPrefix: "hub",
                                               environment: environment)
        let metricsAllow = try settings.string("metrics.allow")
        guard let metricsAccess = MetricsAccess.parse(metricsAllow) else {
            throw SettingsError(key: "metrics.allow (HUB_METRICS_ALLOW)", reason: "must be IP addresses separated by commas, not \(metricsAllow ?? "")")
        }
        let result = HubSettings(
            listen: try settings.hostAndPort("listen", default: "127.0.0.1:8080"),
            maxClockDrift: try settings.seconds("clock.maxDrift", default: 2, range: 0.1...3_600),
            logLevel: try settings.logLevel("log.level", default: .info),
            tlsCertificate: try settings.string("tls.certificate"),
            tlsKey: try settings.string("tls.key"),
            metricsAccess: metricsAccess,
            fileLimits: FileLimits(
                maxFileBytes: Int64(try settings.int("files.maxFileMegabytes", default: 25, range: 1...4_096)) << 20,
                maxCommuneBytes: Int64(try settings.int("files.maxCommuneMegabytes", default: 2_048, range: 1...1_048_576)) << 20),
            fileGrace: .seconds(86_400 * (try settings.int("files.graceDays", default: 30, range: 1...3_650))),
            report: try ReportHeading.load(settings))
        guard (result.tlsCertificate == nil) == (result.tlsKey == nil) else {
            throw SettingsError(key: "tls.certificate / tls.key (HUB_TLS_CERTIFICATE / HUB_TLS_KEY)", reason: "give both or neither")
        }
        for path in [result.tlsCertificate, result.tlsKey].compactMap({ $0 }) where !FileManager.default.isReadableFile(atPath: path) {
            throw SettingsError(key: "tls.certificate / tls.key", reason: "cannot read \(path)")
        }
        return result
    }
}
