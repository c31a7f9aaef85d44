import Foundation
import GRDB

extension ReplicaStore {
    /// Copies the live store to `destination` with SQLite's online backup, while other
    /// connections keep writing, makes it a restore point of its own (`prepareCopy`: a hub's
    /// copy gets a new log id) and checks it; then the evidence files the copy's records name
    /// go to `<destination>-files/` (those this store holds: another PC's file not yet fetched,
    /// or one not yet uploaded whole, is fetched or uploaded again after a restore). A file
    /// never changes once stored, so copying after the snapshot is consistent with it.
    /// Refuses to overwrite a file. Returns the copy's `integrity_check` ("ok").
    @discardableResult
    public func backup(to destination: String) async throws -> String {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw SyncError(.invalidInput, "\(destination) exists; back up to a new file")
        }
        do {
            let copy = try DatabaseQueue(path: destination)
            // What `DatabaseReader.backup(to:pagesPerStep:)` does, through GRDB's async read so
            // the copy's disk writes do not hold a thread of the async pool.
            try await database.writer.read { source in
                try copy.writeWithoutTransaction { destination in try source.backup(to: destination, pagesPerStep: 256) }
            }
            try await copy.write { db in try Self.prepareCopy(db) }
            let check = try await copy.read { db in try ReplicaDatabase.integrityCheck(db) }
            let referenced = try await copy.read { db in
                try String.fetchAll(db, sql: "SELECT DISTINCT substr(record, -64) FROM fields WHERE collection = 'attachments'")
            }
            try copy.close()
            guard check == "ok" else { throw SyncError(.storage, "the backup at \(destination) fails integrity_check: \(check)") }
            let files = FileStore(beside: path)
            _ = try await runBlocking { try files.copy(referenced, to: FileStore(beside: destination)) }
            return check
        } catch let error as DatabaseError {
            try? FileManager.default.removeItem(atPath: destination)
            throw SyncError(.storage, "backup to \(destination) failed: \(error.message ?? error.description)")
        }
    }
}
