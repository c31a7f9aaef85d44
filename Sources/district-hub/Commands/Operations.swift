import ArgumentParser
import CLISupport
import Foundation
import SyncCore

struct Nodes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every node: commune, last seen, last error, clock offset; flag the silent ones.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Flag nodes not heard from for this many hours.")
    var silentAfter: Double = 24

    @Flag(help: "Print JSON for scripts.")
    var json = false

    /// A node as listed, with the flags an operator acts on.
    struct Listed: Encodable {
        var node: NodeInfo
        var silent: Bool
        var clockWarning: Bool

        func encode(to encoder: any Encoder) throws {
            try node.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(silent, forKey: .silent)
            try container.encode(clockWarning, forKey: .clockWarning)
        }

        enum Keys: String, CodingKey { case silent, clockWarning }
    }

    func run() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let threshold = Int64(silentAfter * 3_600_000)
        let listed = try await store.existing(HubStore.self).nodes().map { node in
            Listed(node: node,
                   silent: node.revokedAt == nil && (node.lastSeenMillis.map { now - $0 > threshold } ?? true),
                   clockWarning: node.clockOffsetMs.map(ClockWarning.applies(toOffset:)) ?? false)
        }
        if json {
            print(String(decoding: try WireCoding.encode(listed, pretty: true), as: UTF8.self))
            return
        }
        for entry in listed {
            let node = entry.node
            var flags: [String] = []
            if node.revokedAt != nil { flags.append("REVOKED") }
            if entry.silent { flags.append("SILENT") }
            if entry.clockWarning { flags.append("CLOCK") }
            var line = "\(node.node)  \(node.commune)  \(node.label ?? "-")  last seen \(node.lastSeen ?? "never")"
            if let offset = node.clockOffsetMs { line += "  clock offset \(offset) ms" }
            if !flags.isEmpty { line += "  [\(flags.joined(separator: ","))]" }
            if let error = node.lastError { line += "\n    last error: \(error)" }
            print(line)
        }
        let silent = listed.filter(\.silent).count
        print("\(listed.count) nodes, \(silent) silent for more than \(silentAfter) h")
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the store to a new file while the hub runs (SQLite online backup).",
        discussion: "Restore with `district-hub restore`, the hub stopped.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The new file to write.")
    var to: String

    func run() async throws {
        try await store.existing(HubStore.self).backup(to: to)
        print("backup written to \(to) (integrity_check ok)")
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a backup in place of the store (the hub stopped); the store that was there is kept beside it.",
        discussion: "The restored log gets a new id, so every agent pulls everything again at its next sync.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The backup to restore (a file `district-hub backup` wrote).")
    var from: String

    func run() throws {
        let kept = try HubStore.restore(backup: from, to: store.db)
        print("restored \(store.db) from \(from) (integrity_check ok)")
        if let kept { print("the store that was there is kept as \(kept)") }
        print("start the hub; each agent pulls everything again at its next sync")
    }
}
