import GRDB

/// The value of one field of one record: what a change sets. Null clears a field; deleting a
/// record is the tombstone field `Field.deleted` set to 1, never a row removal.
public enum FieldValue: Hashable, Sendable {
    case null
    case int(Int64)
    case real(Double)
    case text(String)

    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    public var int: Int64? {
        switch self {
        case .int(let value): return value
        case .real(let value) where value == value.rounded(): return Int64(exactly: value)
        default: return nil
        }
    }

    public var number: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .real(let value): return value
        default: return nil
        }
    }

    public var isNull: Bool { self == .null }

    /// A number as a field value: integral values are stored as integers, so a value reads the
    /// same on every replica whether it crossed the wire as `5` or was typed as `5.0`.
    public static func number(_ value: Double) -> FieldValue {
        if value == value.rounded(), let integer = Int64(exactly: value) { return .int(integer) }
        return .real(value)
    }
}

extension FieldValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .text(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "a field value is null, a number or a string")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .int(let value): try container.encode(value)
        case .real(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        }
    }
}

extension FieldValue: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .int(let value): return value.databaseValue
        case .real(let value): return value.databaseValue
        case .text(let value): return value.databaseValue
        }
    }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> FieldValue? {
        switch dbValue.storage {
        case .null: return .null
        case .int64(let value): return .int(value)
        case .double(let value): return .number(value)
        case .string(let value): return .text(value)
        case .blob: return nil
        }
    }
}

extension FieldValue: CustomStringConvertible {
    /// How a value reads in a report: empty for null, numbers without a trailing ".0".
    public var description: String {
        switch self {
        case .null: return ""
        case .int(let value): return String(value)
        case .real(let value):
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .text(let value): return value
        }
    }
}
