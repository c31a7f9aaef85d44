import Foundation
import SyncCore

/// `sync-bench enroll COUNT --db HUB --tokens FILE`: enrolls COUNT nodes, each in a commune of
/// its own (`b-0001`…), through the hub's store API before the hub starts, and writes their
/// tokens one per line. `district-hub enroll` would do the same at one process per node, which
/// takes longer than the 1,000-node benchmark itself.
enum Enroll {
    static func run(_ count: Int, _ options: Options) async throws {
        let store = try HubStore(path: options.string("db"))
        var tokens: [String] = []
        for index in 1...count {
            let enrollment = try await store.enroll(commune: String(format: "b-%04d", index), name: nil, label: "sync-bench")
            tokens.append(enrollment.token)
        }
        try Data((tokens.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: options.string("tokens")))
    }
}
