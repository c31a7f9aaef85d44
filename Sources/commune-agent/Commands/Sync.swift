import ArgumentParser
import CLISupport
import Foundation
import Logging
import SyncCore

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Exchange changes with the hub until both directions are drained.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The config file for TLS and HTTP settings (default /etc/commune-agent/config.json when present).")
    var config: String?

    @Flag(help: "Log each exchange.")
    var verbose = false

    func run() async throws {
        KeyValueLogHandler.bootstrap(level: verbose ? .debug : .warning)
        let settings = try await AgentSettings.loadOrExit(file: config)
        try await reportingErrors {
            let store = try store.existing(AgentStore.self)
            let identity = try await store.agentIdentity()
            let token = try NodeToken.read(NodeToken.path(configured: settings.tokenFile, identity: identity))
            try token.check(commune: identity.commune)
            let client = SyncClient(store: store, transport: try settings.transport(hubURL: identity.hubURL),
                                    logger: Logger(label: "commune-agent"))
            let summary = try await client.syncUntilDrained(token: token.text)
            print("Đã đồng bộ với huyện: gửi \(summary.pushed), nhận \(summary.pulled) thay đổi.")
            if summary.rejected > 0 {
                print("Cảnh báo: huyện từ chối \(summary.rejected) thay đổi:")
                for rejected in try await store.rejectedWrites(limit: summary.rejected) {
                    print("  - \(StatusCommand.describe(rejected.change)) = \(rejected.change.value): "
                          + SyncError.officerRefusal(code: rejected.code, reason: rejected.reason))
                }
            }
        }
    }
}
