import ArgumentParser
import CLISupport
import Foundation
import Logging
import SyncCore

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Exchange changes with the hub until both directions are drained, then upload attached files.")

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
            let (_, token, transport) = try await settings.hubAccess(store)
            let logger = Logger(label: "commune-agent")
            let summary = try await SyncClient(store: store, transport: transport, logger: logger).syncUntilDrained(token: token)
            print("Đã đồng bộ với huyện: gửi \(summary.pushed), nhận \(summary.pulled) thay đổi.")
            let uploader = FileUploader(store: store, transport: transport, chunkBytes: settings.uploadChunkBytes, logger: logger)
            let uploads = try await uploader.uploadPending(token: token)
            if uploads.uploaded > 0 { print("Đã gửi \(uploads.uploaded) tệp minh chứng lên huyện.") }
            for (name, reason) in uploads.refused { print("Cảnh báo: huyện không nhận tệp \"\(name)\": \(reason)") }
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
