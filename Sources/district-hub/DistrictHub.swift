import ArgumentParser
import Logging
import SyncCore

/// `district-hub`: the district's sync server and its admin commands.
@main
struct DistrictHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "district-hub",
        abstract: "The district hub: merges the communes' changes, keeps the audit trail, sends tasks down.",
        subcommands: [Serve.self, Enroll.self, Revoke.self, Tasks.self, Communes.self, Status.self, Audit.self,
                      Nodes.self, Backup.self, Restore.self, Users.self])
}

/// Options every subcommand takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The hub's SQLite store (serve, enroll and the imports create it when missing).")
    var db: String

    /// Opens the store, creating it when missing.
    func open() throws -> HubStore {
        try HubStore(path: db)
    }

    /// Opens an existing store, for the commands that report on it.
    func existing() throws -> HubStore {
        try HubStore(path: db, create: false)
    }
}
