import Foundation

/// Which communes a task is assigned to: all of them, or a list. Stored in the task's
/// `communes` field as "*" or a JSON array of codes, and used by the hub to decide which nodes
/// receive the task.
public enum TaskAssignment: Hashable, Sendable {
    case everyCommune
    case communes([String])

    public init?(encoded: String) {
        if encoded == "*" {
            self = .everyCommune
            return
        }
        guard let data = encoded.data(using: .utf8),
            let codes = try? JSONDecoder().decode([String].self, from: data),
            codes.allSatisfy(Identifiers.isCommuneCode)
        else { return nil }
        self = .communes(codes)
    }

    public var encoded: String {
        switch self {
        case .everyCommune: return "*"
        case .communes(let codes): return JSON.string(codes)
        }
    }

    public func includes(_ commune: String) -> Bool {
        switch self {
        case .everyCommune: return true
        case .communes(let codes): return codes.contains(commune)
        }
    }

    /// The audiences (commune codes, or "*" for all) that hear of a task with this assignment.
    public var audiences: Set<String> {
        switch self {
        case .everyCommune: return ["*"]
        case .communes(let codes): return Set(codes)
        }
    }
}

/// In `--json` output: "*" for every commune, else the list of codes.
extension TaskAssignment: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .everyCommune: try container.encode("*")
        case .communes(let codes): try container.encode(codes)
        }
    }
}

/// Small JSON helpers for values stored as JSON text.
enum JSON {
    static func string(_ strings: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(strings) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func strings(_ text: String?) -> [String] {
        guard let data = text?.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([String].self, from: data)) ?? []
    }
}
