import Foundation

/// The JSON coders of the wire and of `--json` output: no escaped slashes, keys in a stable
/// order so outputs diff cleanly.
public enum WireCoding {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty
            ? [.withoutEscapingSlashes, .sortedKeys, .prettyPrinted]
            : [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }

    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        try encoder(pretty: pretty).encode(value)
    }

    /// Decodes a message, turning any decoding failure into a 400-class `SyncError`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decodeWithCodable(type, from: data)
    }

    /// `decode` through `Codable` even for a sync message (see `SyncWireCoding.swift`).
    static func decodeWithCodable<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw SyncError(.invalidInput, "malformed \(T.self): \(Self.describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        case DecodingError.keyNotFound(let key, _):
            return "missing key \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "wrong type at \(path)"
        default:
            return "unreadable JSON"
        }
    }
}
