import ArgumentParser
import Foundation
import SyncCore

/// `--db FILE`, as every command of both programs takes it. Only the commands that set a store
/// up create one (`create`); the others open an existing one, so a mistyped path is an error
/// rather than a new, empty store.
public struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite store (the hub's serve, enroll and imports, and the agent's init and run, create it when missing).")
    public var db: String

    public init() {}

    /// The options of a command whose `--db` is optional, once it was given.
    public init(db: String) {
        self.db = db
    }

    /// Opens the store, creating it when missing.
    public func create<Store: ReplicaStore>(_: Store.Type) throws -> Store {
        try Store(path: db)
    }

    /// Opens an existing store; a missing one is `not_initialized`, with what to do about it
    /// in the words of the program's users (officers read the agent's, in Vietnamese).
    public func existing<Store: ReplicaStore>(_: Store.Type) throws -> Store {
        guard FileManager.default.fileExists(atPath: db) else {
            switch Store.role {
            case .agent:
                throw SyncError(.notInitialized, "Không có kho dữ liệu tại \(db): kiểm tra --db, hoặc chạy `commune-agent init` trước.")
            case .hub:
                throw SyncError(.notInitialized, "no store at \(db): check --db")
            }
        }
        return try Store(path: db, create: false)
    }
}
