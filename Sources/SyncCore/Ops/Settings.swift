import Configuration
import Foundation
import Logging
import SystemPackage

/// A configuration value that cannot be used: the program refuses to start and says which key
/// and why.
public struct SettingsError: Error, CustomStringConvertible {
    public var key: String
    public var reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { "invalid configuration: \(key): \(reason)" }
}

/// Reads a program's settings: environment variables (`<PREFIX>_<KEY>`, e.g.
/// `AGENT_SYNC_INTERVAL` for `sync.interval`) over the JSON config file over built-in defaults,
/// through swift-configuration; each value is checked, and a bad one names its key.
public struct Settings: Sendable {
    private let reader: ConfigReader
    /// The reader's sources, asked directly whether a key is set at all.
    private let providers: [any ConfigProvider]
    private let prefix: String

    /// `file`: the `--config` path, which must exist; without it, `defaultFile` when present.
    public static func load(file: String?, defaultFile: String, environmentPrefix: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Settings {
        let path = file ?? defaultFile
        if file != nil && !FileManager.default.fileExists(atPath: path) {
            throw SettingsError(key: "--config", reason: "no such file \(path)")
        }
        let fileProvider: FileProvider<JSONSnapshot>
        do {
            fileProvider = try await FileProvider<JSONSnapshot>(filePath: FilePath(path), allowMissing: file == nil)
        } catch {
            throw SettingsError(key: path, reason: "not a valid JSON config file (\(error))")
        }
        let providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: ConfigKey(environmentPrefix)),
            fileProvider,
        ]
        return Settings(reader: ConfigReader(providers: providers), providers: providers, prefix: environmentPrefix)
    }

    private func describe(_ key: String) -> String {
        let variable = ([prefix] + key.split(separator: ".").map(String.init)).map { component in
            component.reduce(into: "") { name, character in
                if character.isUppercase { name += "_" }
                name += character.uppercased()
            }
        }.joined(separator: "_")
        return "\(key) (\(variable))"
    }

    /// Reads a required-type value, returning nil when the key is absent anywhere.
    private func value<T>(_ key: String, _ read: (ConfigKey) throws -> T) throws -> T? {
        guard isSet(key) else { return nil }
        do {
            return try read(ConfigKey(key))
        } catch {
            throw SettingsError(key: describe(key), reason: "\(error)")
        }
    }

    /// Whether some source holds `key`, of whatever type. swift-configuration throws one
    /// error type, not public, for a missing key and for a value of the wrong type; asking the
    /// sources first tells the two apart without reading its messages.
    private func isSet(_ key: String) -> Bool {
        providers.contains { provider in
            do {
                return try provider.value(forKey: AbsoluteConfigKey(ConfigKey(key)), type: .string).value != nil
            } catch {
                return true  // there, but not readable as text: the typed read will say why
            }
        }
    }

    public func string(_ key: String, default defaultValue: String? = nil) throws -> String? {
        try value(key) { try reader.requiredString(forKey: $0) } ?? defaultValue
    }

    /// A number of seconds (fractions allowed) within `range`.
    public func seconds(_ key: String, default defaultValue: Double, range: ClosedRange<Double>) throws -> Duration {
        let seconds = try value(key) { try reader.requiredDouble(forKey: $0) } ?? defaultValue
        guard range.contains(seconds) else {
            throw SettingsError(key: describe(key), reason: "must be between \(range.lowerBound) and \(range.upperBound) seconds, not \(seconds)")
        }
        return .milliseconds(Int64(seconds * 1000))
    }

    public func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        let number = try value(key) { try reader.requiredInt(forKey: $0) } ?? defaultValue
        guard range.contains(number) else {
            throw SettingsError(key: describe(key), reason: "must be between \(range.lowerBound) and \(range.upperBound), not \(number)")
        }
        return number
    }

    /// A `HOST:PORT` address.
    public func hostAndPort(_ key: String, default defaultValue: String) throws -> HostAndPort {
        let text = try string(key, default: defaultValue)!
        guard let address = HostAndPort(text) else {
            throw SettingsError(key: describe(key), reason: "must be HOST:PORT, not \(text)")
        }
        return address
    }

    public func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        try value(key) { try reader.requiredBool(forKey: $0) } ?? defaultValue
    }

    public func logLevel(_ key: String, default defaultValue: Logger.Level) throws -> Logger.Level {
        guard let text = try string(key) else { return defaultValue }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw SettingsError(key: describe(key), reason: "must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not \(text)")
        }
        return level
    }
}
