import CShims
import Foundation

/// A ZIP archive written front to back, for a download that starts before its end is known:
/// the caller sends what `takeOutput` hands it after each step. Each entry's CRC and sizes
/// follow its data in a data descriptor (general purpose flag bit 3), and the central directory
/// closes the archive, as APPNOTE 4.3 allows. Entries are deflated in pieces that can be
/// compressed on any core (`Piece`); no temporary file is needed.
/// ZIP64 is not written: an archive past 4 GiB is refused (an Excel sheet stops at 1,048,576
/// rows, well below it).
public struct ZipStream: Sendable {
    /// Part of an entry's data, deflated on its own and ended on a byte boundary.
    public struct Piece: Sendable {
        let compressed: [UInt8]
        let crc: UInt32
        let size: Int

        /// `bytes` deflated at zlib's fastest level: a million-row sheet comes out about a
        /// third larger than at level 6 (40 MB against 31, before shared strings), for a
        /// fraction of the time.
        public init(_ bytes: [UInt8], last: Bool = false) throws {
            self = try bytes.withUnsafeBufferPointer { try Piece($0, last: last) }
        }

        init(_ bytes: UnsafeBufferPointer<UInt8>, last: Bool = false) throws {
            var output: UnsafeMutablePointer<UInt8>?
            var length = 0
            let status = cshims_deflate_piece(bytes.baseAddress, bytes.count, 1, last ? 1 : 0, &output, &length)
            guard status == Int32(CSHIMS_GZIP_OK), let output else { throw ZipStreamError.compression }
            defer { cshims_free(output) }
            compressed = Array(UnsafeBufferPointer(start: output, count: length))
            crc = cshims_crc32(0, bytes.baseAddress, bytes.count)
            size = bytes.count
        }
    }

    private struct Entry: Sendable {
        var name: [UInt8]
        var offset: UInt64
        var crc: UInt32 = 0
        var compressedSize: UInt64 = 0
        var size: UInt64 = 0
    }

    private var output: [[UInt8]] = []
    private let time: UInt16, date: UInt16
    private var offset: UInt64 = 0
    private var entries: [Entry] = []
    private var open: Entry?

    /// An archive whose entries are all dated `modified`.
    public init(modified: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: modified)
        time = UInt16((parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2)
        date = UInt16(max(0, (parts.year ?? 1980) - 1980) << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1))
    }

    /// Starts the entry `name`; its data follows in pieces.
    public mutating func begin(_ name: String) throws {
        precondition(open == nil, "an entry is already open")
        let entry = Entry(name: Array(name.utf8), offset: offset)
        var header = Bytes()
        header.u32(0x0403_4b50)
        header.u16(20)
        header.u16(Self.flags)
        header.u16(8)
        header.u16(time)
        header.u16(date)
        header.u32(0); header.u32(0); header.u32(0)
        header.u16(UInt16(entry.name.count))
        header.u16(0)
        header.bytes += entry.name
        open = entry
        try emit(header.bytes)
    }

    /// Appends a piece of the open entry's data.
    public mutating func append(_ piece: Piece) throws {
        guard var entry = open else { preconditionFailure("no entry is open") }
        entry.crc = entry.size == 0 ? piece.crc : cshims_crc32_combine(entry.crc, piece.crc, piece.size)
        entry.size += UInt64(piece.size)
        entry.compressedSize += UInt64(piece.compressed.count)
        open = entry
        try emit(piece.compressed)
    }

    /// Ends the open entry: the deflate stream's final block, then the data descriptor.
    public mutating func end() throws {
        try append(Piece([], last: true))
        guard let entry = open else { return }
        guard entry.size <= UInt32.max, entry.compressedSize <= UInt32.max else { throw ZipStreamError.tooLarge }
        var descriptor = Bytes()
        descriptor.u32(0x0807_4b50)
        descriptor.u32(entry.crc)
        descriptor.u32(UInt32(entry.compressedSize))
        descriptor.u32(UInt32(entry.size))
        entries.append(entry)
        open = nil
        try emit(descriptor.bytes)
    }

    /// A whole entry at once.
    public mutating func add(_ name: String, _ bytes: [UInt8]) throws {
        try begin(name)
        try append(Piece(bytes))
        try end()
    }

    /// Writes the central directory: the archive is complete.
    public mutating func finish() throws {
        precondition(open == nil, "an entry is still open")
        let start = offset
        var directory = Bytes()
        for entry in entries {
            directory.u32(0x0201_4b50)
            directory.u16(20); directory.u16(20)
            directory.u16(Self.flags)
            directory.u16(8)
            directory.u16(time); directory.u16(date)
            directory.u32(entry.crc)
            directory.u32(UInt32(entry.compressedSize))
            directory.u32(UInt32(entry.size))
            directory.u16(UInt16(entry.name.count))
            directory.u16(0); directory.u16(0); directory.u16(0); directory.u16(0)
            directory.u32(0)
            directory.u32(UInt32(entry.offset))
            directory.bytes += entry.name
        }
        let size = directory.bytes.count
        guard start + UInt64(size) <= UInt32.max, entries.count < UInt16.max else { throw ZipStreamError.tooLarge }
        directory.u32(0x0605_4b50)
        directory.u16(0); directory.u16(0)
        directory.u16(UInt16(entries.count)); directory.u16(UInt16(entries.count))
        directory.u32(UInt32(size))
        directory.u32(UInt32(start))
        directory.u16(0)
        try emit(directory.bytes)
    }

    /// Data descriptor follows (bit 3); names are UTF-8 (bit 11).
    private static let flags: UInt16 = 1 << 3 | 1 << 11

    /// The archive's bytes written since the last call, in order.
    public mutating func takeOutput() -> [[UInt8]] {
        defer { output = [] }
        return output
    }

    private mutating func emit(_ bytes: [UInt8]) throws {
        offset += UInt64(bytes.count)
        guard offset <= UInt32.max else { throw ZipStreamError.tooLarge }
        output.append(bytes)
    }

    /// Little-endian fields, as ZIP stores them.
    private struct Bytes {
        var bytes: [UInt8] = []
        mutating func u16(_ value: UInt16) { bytes += [UInt8(value & 0xff), UInt8(value >> 8)] }
        mutating func u32(_ value: UInt32) { u16(UInt16(value & 0xffff)); u16(UInt16(value >> 16)) }
    }
}

public enum ZipStreamError: Error, CustomStringConvertible {
    case compression, tooLarge

    public var description: String {
        switch self {
        case .compression: "zlib could not deflate a piece of the archive"
        case .tooLarge: "the archive would pass 4 GiB, which needs ZIP64"
        }
    }
}
