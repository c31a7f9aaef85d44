import Foundation
import ZIPFoundation

/// A one-sheet workbook too big to hold in memory (a year of the audit): rows are appended to
/// the sheet's XML in a file as they come, and `finish` packs that file into the .xlsx, which
/// ZIPFoundation compresses a chunk at a time. Memory stays at one batch of rows whatever the
/// sheet's length; the disk holds the sheet twice until the caller removes `directory`.
public final class SpreadsheetFile {
    public let directory: URL
    private let title: String, creator: String
    private let name: String, header: [String]
    private let sheetURL: URL
    private let output: FileHandle
    private var rows = 0, columns = 0
    private var started = false

    /// Makes `directory` (which must not exist) for the sheet and the workbook.
    public init(directory: URL, title: String, creator: String, sheet name: String, header: [String]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        self.directory = directory
        self.title = title
        self.creator = creator
        self.name = Spreadsheet.Sheet.cleanName(name)
        self.header = header
        sheetURL = directory.appendingPathComponent("sheet1.xml")
        guard FileManager.default.createFile(atPath: sheetURL.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        output = try FileHandle(forWritingTo: sheetURL)
        columns = header.count
    }

    deinit {
        try? output.close()
    }

    /// Rows of an export (text, plain whole numbers as numbers); the first batch also sizes the
    /// columns.
    public func append(exported batch: [[String]]) throws {
        let values = batch.map { $0.map(Spreadsheet.Value.init(exported:)) }
        var xml = ""
        if !started {
            xml = Spreadsheet.head(.init(name: name, header: header, rows: Array(values.prefix(500))))
            started = true
        }
        for row in values {
            rows += 1
            columns = max(columns, row.count)
            xml += Spreadsheet.row(rows + 1, row, style: 0)
        }
        try output.write(contentsOf: Data(xml.utf8))
    }

    /// Closes the sheet and writes the workbook beside it; returns the .xlsx's URL.
    public func finish(created: Date) throws -> URL {
        if !started { try append(exported: []) }
        try output.write(contentsOf: Data(Spreadsheet.tail(columns: columns, rows: rows).utf8))
        try output.close()
        let url = directory.appendingPathComponent("workbook.xlsx")
        let archive = try Archive(url: url, accessMode: .create)
        let parts = Spreadsheet.fixedParts(title: title, creator: creator, created: created,
                                           sheets: [.init(name: name, columns: columns, rows: rows)])
        for (part, xml) in parts {
            let bytes = Data(xml.utf8)
            try archive.addEntry(with: part, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: created,
                                 compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<min(Int(position) + size, bytes.count))
            }
        }
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", fileURL: sheetURL, compressionMethod: .deflate)
        try FileManager.default.removeItem(at: sheetURL)
        return url
    }
}
