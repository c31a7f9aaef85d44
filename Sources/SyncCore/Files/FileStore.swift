import Crypto
import Foundation

/// Evidence files on disk beside a store (`<store>-files/`), named by their SHA-256 so the
/// same file attached twice, or by two PCs, is kept once:
///
/// - `objects/<first two hex digits>/<sha256>`: complete files, never changed once there;
/// - `partial/<commune>/<sha256>`: uploads the hub is receiving (a tus upload's offset is the
///   partial file's size);
/// - `tmp/`: files being written, renamed into `objects/` once whole and on disk.
///
/// A file appears in `objects/` only by a rename after an fsync, so a crash leaves either the
/// whole file or none (a leftover in `tmp/` or `partial/` is never served).
public struct FileStore: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// The files of the store at `storePath`.
    public init(beside storePath: String) {
        root = storePath + "-files"
    }

    public func objectPath(_ sha256: String) -> String {
        "\(root)/objects/\(sha256.prefix(2))/\(sha256)"
    }

    public func partialPath(commune: String, sha256: String) -> String {
        "\(root)/partial/\(commune)/\(sha256)"
    }

    public func contains(_ sha256: String) -> Bool {
        FileManager.default.fileExists(atPath: objectPath(sha256))
    }

    /// Copies the file at `path` in, hashing it on the way: at most `maxBytes`, else nothing is
    /// kept. Returns its SHA-256 and size.
    public func ingest(path: String, maxBytes: Int64) throws -> (sha256: String, size: Int64) {
        guard let source = FileHandle(forReadingAtPath: path) else {
            throw SyncError(.invalidInput, "Không đọc được tệp \(path).")
        }
        defer { try? source.close() }
        let temporary = try makeTemporary()
        var kept = false
        defer { if !kept { try? FileManager.default.removeItem(atPath: temporary.path) } }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            defer { try? temporary.handle.close() }
            while let block = try source.read(upToCount: 1 << 20), !block.isEmpty {
                size += Int64(block.count)
                guard size <= maxBytes else {
                    throw SyncError(.tooLarge, Self.tooLarge(maxBytes))
                }
                hasher.update(data: block)
                try temporary.handle.write(contentsOf: block)
            }
            try temporary.handle.synchronize()
        } catch let error as SyncError {
            throw error
        } catch {
            throw Self.diskError(error, "không ghi được tệp vào \(root)")
        }
        guard size > 0 else { throw SyncError(.invalidInput, "Tệp \(path) trống.") }
        let sha256 = hasher.finalize().hexadecimal
        try publish(temporary.path, as: sha256)
        kept = true
        return (sha256, size)
    }

    /// Moves a whole, fsynced file into `objects/` under `sha256` (dropping it when an equal
    /// file is already there) and syncs the directory, so the name survives a power cut.
    public func publish(_ path: String, as sha256: String) throws {
        let destination = objectPath(sha256)
        let directory = (destination as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: destination) {
                try FileManager.default.removeItem(atPath: path)
                return
            }
            guard rename(path, destination) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            try Self.syncDirectory(directory)
        } catch {
            throw Self.diskError(error, "không lưu được tệp vào \(root)")
        }
    }

    /// Puts the files named in `other` that this store holds and `other` lacks: a hard link
    /// where both are on one file system (a file never changes once stored), else a copy,
    /// fsynced and renamed in like any new file. Returns how many were added.
    @discardableResult
    public func copy(_ digests: [String], to other: FileStore) throws -> Int {
        var added = 0
        for sha256 in digests where EvidenceFile.isDigest(sha256) && contains(sha256) && !other.contains(sha256) {
            let destination = other.objectPath(sha256)
            do {
                try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                if link(objectPath(sha256), destination) != 0 {
                    let temporary = try other.makeTemporary()
                    try temporary.handle.close()
                    try FileManager.default.removeItem(atPath: temporary.path)
                    try FileManager.default.copyItem(atPath: objectPath(sha256), toPath: temporary.path)
                    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary.path))
                    try handle.synchronize()
                    try handle.close()
                    try other.publish(temporary.path, as: sha256)
                } else {
                    try Self.syncDirectory((destination as NSString).deletingLastPathComponent)
                }
            } catch let error as SyncError {
                throw error
            } catch {
                throw Self.diskError(error, "không chép được tệp vào \(other.root)")
            }
            added += 1
        }
        return added
    }

    /// Every file held whole, by its SHA-256.
    public func storedDigests() -> [String] {
        let objects = "\(root)/objects"
        return (FileManager.default.enumerator(atPath: objects)?.allObjects as? [String] ?? [])
            .compactMap { $0.split(separator: "/").last.map(String.init) }
            .filter { EvidenceFile.isDigest($0) }
    }

    /// A new empty file in `tmp/`, open for writing.
    func makeTemporary() throws -> (path: String, handle: FileHandle) {
        let directory = "\(root)/tmp"
        let path = "\(directory)/\(UUID().uuidString)"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw POSIXError(.EACCES)
            }
            return (path, handle)
        } catch {
            throw Self.diskError(error, "không tạo được tệp trong \(directory)")
        }
    }

    /// The SHA-256 of the file at `path`, read a megabyte at a time.
    /// What an officer or an office is told of a file over the limit, and what to do.
    public static func tooLarge(_ maxBytes: Int64) -> String {
        "Tệp lớn quá \(VietnameseFormat.bytes(maxBytes)): hãy quét với độ phân giải thấp hơn hoặc tách thành nhiều tệp."
    }

    public static func sha256(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SyncError(.storage, "cannot read \(path)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            hasher.update(data: block)
        }
        return hasher.finalize().hexadecimal
    }

    /// fsync on a directory, which makes the names in it durable.
    static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// A disk failure as a `storage` error; a full disk is named as such.
    static func diskError(_ error: any Error, _ doing: String) -> SyncError {
        SyncError(.storage, isDiskFull(error) ? "\(doing): đĩa đã đầy; chưa có gì được lưu." : "\(doing): \(error)")
    }

    /// Whether a write failed for want of space: ENOSPC, or EFBIG past a file size limit (a
    /// quota), from Foundation or from NIO's file system (which names them in its message).
    public static func isDiskFull(_ error: any Error) -> Bool {
        [.ENOSPC, .EFBIG].contains((error as? POSIXError)?.code) || (error as NSError).code == NSFileWriteOutOfSpaceError
            || ["No space left", "File too large"].contains { "\(error)".contains($0) }
    }
}
