import ArgumentParser
import CLISupport
import SyncCore

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the store to a new file while the daemon runs (SQLite online backup).",
        discussion: "Restore: stop the daemon, replace the store file with the copy (remove any -wal/-shm files beside it), start it again.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The new file to write.")
    var to: String

    func run() async throws {
        try await reportingErrors {
            try await store.existing(AgentStore.self).backup(to: to)
            print("backup written to \(to) (integrity_check ok)")
        }
    }
}
