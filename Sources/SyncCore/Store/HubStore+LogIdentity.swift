import Foundation
import GRDB

/// The identity of the hub's log (`PullCursor`): a random id created with the store, renewed in
/// every backup copy and by a restore, so a node's cursor from the log before a restore is
/// never taken for a position in the log after it.
enum HubLog {
    static let metaKey = "hub.log_id"

    static func id(_ db: Database) throws -> Int64 {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [metaKey])
            .flatMap { Int64($0) } ?? 0
    }

    /// Gives the log a new id, never the one it had.
    static func renew(_ db: Database) throws {
        let current = try id(db)
        var next: Int64
        repeat { next = Int64.random(in: 1..<PullCursor.logIDLimit) } while next == current
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [metaKey, String(next)])
    }
}

extension HubStore {
    func hubLogID(_ db: Database) throws -> Int64 {
        try HubLog.id(db)
    }

    /// A copy is a restore point whose log will go on differently from this one's.
    public static func prepareCopy(_ db: Database) throws {
        try HubLog.renew(db)
    }

    /// Puts the backup at `backup` in place of the store at `path`, with a log id of its own,
    /// for `district-hub restore` (the hub stopped). The backup is checked first (a hub's,
    /// `integrity_check` ok) and left untouched; the store that was at `path` (with its WAL)
    /// is kept beside it, renamed, and its new name returned (nil when there was none).
    /// Agents notice the new log at their next exchange and pull everything again.
    public static func restore(backup: String, to path: String, now: Date = Date()) throws -> String? {
        guard FileManager.default.fileExists(atPath: backup) else {
            throw SyncError(.invalidInput, "no backup at \(backup)")
        }
        let staging = path + ".restoring"
        try? FileManager.default.removeItem(atPath: staging)
        do {
            try FileManager.default.copyItem(atPath: backup, toPath: staging)
            let queue = try DatabaseQueue(path: staging)
            // Opening it as a hub store refuses an agent's file and migrates an older one.
            _ = try HubStore(writer: queue)
            let check = try queue.read { db in try ReplicaDatabase.integrityCheck(db) }
            guard check == "ok" else { throw SyncError(.storage, "the backup \(backup) fails integrity_check: \(check)") }
            try queue.write { db in try HubLog.renew(db) }
            try queue.close()
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            if let error = error as? DatabaseError { throw ReplicaDatabase.storageError(error, "cannot restore from \(backup)") }
            throw error
        }
        var kept: String?
        if FileManager.default.fileExists(atPath: path) {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime]
            // A second restore in the same second keeps the first one's store too.
            let stem = path + ".before-restore-" + formatter.string(from: now)
            var name = stem
            var attempt = 1
            while ["", "-wal", "-shm"].contains(where: { FileManager.default.fileExists(atPath: name + $0) }) {
                attempt += 1
                name = "\(stem)-\(attempt)"
            }
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.moveItem(atPath: path + suffix, toPath: name + suffix)
            }
            kept = name
        }
        try FileManager.default.moveItem(atPath: staging, toPath: path)
        // The backup's evidence files join the store's (none is removed: files stored since
        // the backup are named by records the agents send again).
        let backupFiles = FileStore(beside: backup)
        try backupFiles.copy(backupFiles.storedDigests(), to: FileStore(beside: path))
        return kept
    }
}
