import Foundation

/// A workbook too big to hold (a year of the audit), sent while it is written: the sheet's rows
/// are formatted and deflated a batch at a time on every core and handed on (`takeOutput`)
/// through `ZipStream`, so the first bytes leave at once, memory holds one batch, and nothing
/// touches the disk. The fixed parts, which name each sheet's extent, come after the sheets.
/// Past Excel's 1,048,576 rows a sheet is continued on another ("Nhật ký (2)"). Columns whose
/// text repeats (names, kinds, outcomes) go to the shared strings (`SharedStrings`).
public struct SpreadsheetStream: Sendable {
    /// Excel's rows per sheet, the header's included.
    public static let maximumRows = 1_048_576

    private var zip: ZipStream
    private let title: String, creator: String, created: Date
    private let name: String, header: [String]
    private let rowsPerSheet: Int
    private let strings = SharedStrings()
    private let sharedColumns: [Bool]
    /// The sheet's opening (column widths, frozen header), sized by the first rows.
    private var head: [UInt8]?
    private var sheets: [SpreadsheetParts.SheetShape] = []
    private var open = false

    /// `sharedColumns`: the columns (from 0) whose text comes from a small set, written once
    /// in the shared strings. `rowsPerSheet` (at most Excel's limit less the header) is for
    /// the tests.
    public init(title: String, creator: String, sheet name: String, header: [String], created: Date,
                sharedColumns: Set<Int> = [], rowsPerSheet: Int = maximumRows - 1) {
        zip = ZipStream(modified: created)
        self.title = title
        self.creator = creator
        self.created = created
        self.name = Spreadsheet.Sheet.cleanName(name)
        self.header = header
        self.sharedColumns = (0..<(sharedColumns.max().map { $0 + 1 } ?? 0)).map(sharedColumns.contains)
        self.rowsPerSheet = min(rowsPerSheet, Self.maximumRows - 1)
    }

    /// Appends a row for each of `items`, as `rows` writes it (text, plain whole numbers as
    /// numbers).
    public mutating func append<Rows: RowWriter>(_ items: [Rows.Item], as rows: Rows) async throws {
        var done = 0
        while done < items.count {
            if !open { try beginSheet(sizedBy: CellTexts.rows(items[done..<min(items.count, done + 500)], rows)) }
            let first = sheets[sheets.count - 1].rows + 2
            let take = min(rowsPerSheet - sheets[sheets.count - 1].rows, items.count - done)
            let base = done, strings = strings, sharedColumns = sharedColumns
            let parts = try await concurrentRanges(of: take) { range in
                var sheet = SheetRows(first: first + range.lowerBound, strings: SharedStrings.Cursor(strings, columns: sharedColumns),
                                      capacity: range.count * 1024)
                defer { sheet.deallocate() }
                for item in items[base + range.lowerBound..<base + range.upperBound] {
                    rows.write(item, into: &sheet)
                    sheet.endRow()
                }
                return (try ZipStream.Piece(sheet.xml.bytes), sheet.columns)
            }
            for (piece, _) in parts { try zip.append(piece) }
            sheets[sheets.count - 1].rows += take
            sheets[sheets.count - 1].columns = max(sheets[sheets.count - 1].columns, parts.map(\.1).max() ?? 0)
            done += take
            if sheets[sheets.count - 1].rows == rowsPerSheet { try endSheet() }
        }
    }

    /// The workbook's bytes made since the last call, in order, to be sent.
    public mutating func takeOutput() -> [[UInt8]] {
        zip.takeOutput()
    }

    /// Closes the last sheet and writes the workbook's other parts: the file is complete.
    public mutating func finish() throws {
        if !open && sheets.isEmpty { try beginSheet(sizedBy: []) }
        if open { try endSheet() }
        let shared = !strings.isEmpty
        for (part, xml) in Spreadsheet.fixedParts(title: title, creator: creator, created: created, sheets: sheets, sharedStrings: shared) {
            try zip.add(part, Array(xml.utf8))
        }
        if shared { try zip.add("xl/sharedStrings.xml", strings.xml()) }
        try zip.finish()
    }

    private mutating func beginSheet(sizedBy sample: [[String]]) throws {
        let head = head ?? Array(Spreadsheet.head(.init(name: name, header: header, rows: sample.map { $0.map(Spreadsheet.Value.init(exported:)) })).utf8)
        self.head = head
        sheets.append(.init(name: sheets.isEmpty ? name : Spreadsheet.Sheet.cleanName("\(name) (\(sheets.count + 1))"),
                            columns: header.count, rows: 0))
        try zip.begin("xl/worksheets/sheet\(sheets.count).xml")
        try zip.append(ZipStream.Piece(head))
        open = true
    }

    private mutating func endSheet() throws {
        let sheet = sheets[sheets.count - 1]
        try zip.append(ZipStream.Piece(Array(Spreadsheet.tail(columns: sheet.columns, rows: sheet.rows).utf8)))
        try zip.end()
        open = false
    }
}
