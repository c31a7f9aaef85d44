/// Where an export's rows go, cell by cell, as the bytes sent: a CSV's lines or a sheet's XML.
/// A million-row export writes fifteen million cells; made as a `[String]` per row first, each
/// row cost an array, a string for every cell composed of parts (a moment, "Trạng thái: Đang
/// thực hiện", "status=doing"), and a retain and release for every cell, a third of the
/// export's time. Written here, a composed cell's parts go straight into the bytes.
public protocol CellWriter {
    /// A cell of one text, read as a CSV export's cells are (`Spreadsheet.Value(exported:)`):
    /// a plain whole number becomes a number.
    mutating func cell(_ text: String)
    /// Opens a cell of text written in `piece`s, never read as a number: the caller makes sure
    /// its text is not a plain whole number, as something like `:` or `=` among it does.
    mutating func beginText()
    /// Text appended to the open cell.
    mutating func piece(_ text: String)
    /// A whole number's digits appended to the open cell.
    mutating func piece(decimal: Int64)
    /// Valid UTF-8 appended to the open cell.
    mutating func piece(utf8: UnsafeBufferPointer<UInt8>)
    mutating func endText()
    /// Ends the row: the next cell starts another.
    mutating func endRow()
}

/// Writes an export's items as rows, one item a row (an audit's report, a table's line): the
/// same rows go to a CSV or a sheet. `write` writes the cells; whoever drives it ends the row.
public protocol RowWriter: Sendable {
    associatedtype Item: Sendable
    func write<Cells: CellWriter>(_ item: Item, into cells: inout Cells)
}

/// Rows as the text of their cells: a sheet's first rows, to size its columns by, or one
/// cell's text for a page (an audit report's details).
public struct CellTexts: CellWriter {
    public private(set) var rows: [[String]] = []
    private var row: [String] = []
    private var text: [UInt8] = []

    public init() {}

    /// The texts of `items` as `rows` writes them.
    public static func rows<Rows: RowWriter>(_ items: some Sequence<Rows.Item>, _ rows: Rows) -> [[String]] {
        var texts = CellTexts()
        for item in items {
            rows.write(item, into: &texts)
            texts.endRow()
        }
        return texts.rows
    }

    /// The text of one cell that `write` writes in pieces.
    public static func text(_ write: (inout CellTexts) -> Void) -> String {
        var texts = CellTexts()
        texts.beginText()
        write(&texts)
        texts.endText()
        return texts.row[0]
    }

    public mutating func cell(_ text: String) { row.append(text) }
    public mutating func beginText() { text.removeAll(keepingCapacity: true) }
    public mutating func piece(_ text: String) { self.text.append(contentsOf: text.utf8) }
    public mutating func piece(decimal: Int64) { text.append(contentsOf: String(decimal).utf8) }
    public mutating func piece(utf8: UnsafeBufferPointer<UInt8>) { text.append(contentsOf: utf8) }
    public mutating func endText() { row.append(String(decoding: text, as: UTF8.self)) }

    public mutating func endRow() {
        rows.append(row)
        row.removeAll(keepingCapacity: true)
    }
}
