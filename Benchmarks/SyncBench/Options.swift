import Foundation

/// The `--name value` options of the end-to-end subcommands, read from the command line after
/// the count. sync-bench has no argument parser on purpose: Benchmarks/run is its one caller.
struct Options {
    private let values: [String: String]

    init(_ arguments: ArraySlice<String>) {
        var values: [String: String] = [:]
        var rest = arguments[...]
        while let name = rest.popFirst() {
            guard name.hasPrefix("--"), let value = rest.popFirst() else { Options.fail("expected --name value, got \(name)") }
            values[String(name.dropFirst(2))] = value
        }
        self.values = values
    }

    func string(_ name: String, default fallback: String? = nil) -> String {
        guard let value = values[name] ?? fallback else { Options.fail("missing --\(name)") }
        return value
    }

    func int(_ name: String, default fallback: Int? = nil) -> Int {
        guard let text = values[name] else {
            guard let fallback else { Options.fail("missing --\(name)") }
            return fallback
        }
        guard let value = Int(text) else { Options.fail("--\(name) takes a whole number, not \(text)") }
        return value
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("sync-bench: \(message)\n".utf8))
        exit(64)
    }
}

/// Milliseconds since the epoch: what the processes of one benchmark share as a time line.
func epochMillis() -> Int64 {
    Int64(Date().timeIntervalSince1970 * 1000)
}
