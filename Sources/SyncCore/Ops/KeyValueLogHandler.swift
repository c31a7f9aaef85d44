import Foundation
import Logging

/// One line per event on stderr: `level label: message key=value …`, prefixed by a timestamp
/// unless journald is the reader (`$JOURNAL_STREAM`), which stamps lines itself.
public struct KeyValueLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let timestamps: Bool

    public init(label: String, level: Logger.Level,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.label = label
        self.logLevel = level
        self.timestamps = environment["JOURNAL_STREAM"] == nil
    }

    /// Bootstraps swift-log with this handler at `level`; executables call it once.
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in KeyValueLogHandler(label: label, level: level) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = timestamps ? Self.timestamp() + " " : ""
        line += "\(event.level) \(label): \(event.message)"
        for key in merged.keys.sorted() {
            line += " \(key)=\(Self.quoted("\(merged[key]!)"))"
        }
        // A log line that cannot be written (stderr on a full disk, a closed pipe) is dropped:
        // `write(_:)` would trap and take the daemon down for want of a log line.
        try? FileHandle.standardError.write(contentsOf: Data((line + "\n").utf8))
    }

    private static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) else {
            return value
        }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }

    /// A value-type style, made once: building an `ISO8601DateFormatter` per line (an ICU
    /// formatter underneath) was 5 % of the hub's CPU under 1,000 nodes (Benchmarks/README.md).
    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static func timestamp() -> String {
        Date().formatted(timestampStyle)
    }
}
