import Foundation
import GRDB

/// What became of the files no record needs.
public struct FileCollection: Sendable, Equatable {
    /// Whole files removed: no live record named them for the whole grace period.
    public var removed: [String] = []
    /// Unfinished uploads and temporary files left untouched for the grace period.
    public var abandoned = 0
}

extension ReplicaStore {
    /// The default time a file stays after its last record is removed (or a partial upload
    /// after its last byte): long enough to undo a mistake, or to finish an upload after a
    /// month offline.
    public static var fileGrace: Duration { .seconds(30 * 86_400) }

    /// Removes the files of `<store>-files/` that no live `attachments` record (nor, at the hub,
    /// `officeAttachments`) has named for
    /// `grace`, and partial or temporary files untouched for as long. A file a record names,
    /// or that this PC still has to upload, always stays.
    public func collectFiles(grace: Duration = fileGrace) async throws -> FileCollection {
        let files = FileStore(beside: path)
        let now = clock.physical.now()
        let graceMillis = grace.components.seconds * 1000
        let references = try await read { db in
            // Per file: whether a live record names it, and when a record naming it last changed.
            try Row.fetchAll(db, sql: """
                SELECT substr(record, -64) AS sha256,
                       sum(CASE WHEN field = '_deleted' AND value = 1 THEN 1 ELSE 0 END) AS tombstones,
                       max(wall) AS changed
                FROM fields WHERE collection IN ('attachments', 'officeAttachments') GROUP BY record
                """).reduce(into: [String: (live: Bool, changed: Int64)]()) { result, row in
                let sha256: String = row["sha256"]
                let live = (row["tombstones"] as Int64) == 0
                let changed: Int64 = row["changed"]
                let previous = result[sha256]
                result[sha256] = ((previous?.live ?? false) || live, max(previous?.changed ?? 0, changed))
            }
        }
        let uploading = Set(try await read { db in
            try db.tableExists("uploads")
                ? String.fetchAll(db, sql: "SELECT sha256 FROM uploads WHERE state IN ('waiting', 'uploading')") : []
        })
        var collection = FileCollection()
        for sha256 in files.storedDigests() where references[sha256]?.live != true && !uploading.contains(sha256) {
            let path = files.objectPath(sha256)
            let changed = max(references[sha256]?.changed ?? 0, Self.modified(path))
            guard now - changed >= graceMillis else { continue }
            try? FileManager.default.removeItem(atPath: path)
            collection.removed.append(sha256)
        }
        let removed = collection.removed
        if !removed.isEmpty {
            // The hub's list of stored files (an agent has none) follows the disk.
            try await write { db in
                guard try db.tableExists("files") else { return }
                for sha256 in removed {
                    try db.execute(sql: "DELETE FROM file_owners WHERE sha256 = ?", arguments: [sha256])
                    try db.execute(sql: "DELETE FROM files WHERE sha256 = ?", arguments: [sha256])
                }
            }
        }
        for directory in ["\(files.root)/partial", "\(files.root)/tmp"] {
            for name in (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String]) ?? [] {
                let path = "\(directory)/\(name)"
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                    now - Self.modified(path) >= graceMillis
                else { continue }
                try? FileManager.default.removeItem(atPath: path)
                collection.abandoned += 1
            }
        }
        return collection
    }

    /// A file's modification time in milliseconds since the epoch (0 when unreadable).
    static func modified(_ path: String) -> Int64 {
        let date = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
        return Int64((date?.timeIntervalSince1970 ?? 0) * 1000)
    }
}
