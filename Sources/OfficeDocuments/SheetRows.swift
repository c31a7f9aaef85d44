/// A run of a streamed sheet's rows as XML bytes, written cell by cell (`CellWriter`): what
/// one core makes of its range of a batch before deflating it. Its bytes are freed by
/// `deallocate()`.
struct SheetRows: CellWriter {
    private(set) var xml: MarkupBuffer
    /// The widest row written.
    private(set) var columns = 0
    private var number: Int
    private var column = 0
    private var rowOpen = false
    private var strings: SharedStrings.Cursor
    /// The open piece-written cell: where its text starts, and what its spacing needs.
    private var textStart = 0, spacing = false, lastByte: UInt8 = 0

    /// Rows numbered from `first` (the header is row 1), their shared text in `strings`.
    init(first: Int, strings: SharedStrings.Cursor, capacity: Int) {
        number = first
        self.strings = strings
        xml = MarkupBuffer(capacity: capacity)
    }

    func deallocate() {
        xml.deallocate()
    }

    mutating func cell(_ text: String) {
        openRow()
        let value = Spreadsheet.Value(exported: text)
        if case .text(let text) = value, let index = strings.index(of: text, column: column) {
            xml.append(markup: #"<c t="s"><v>"#)
            xml.append(decimal: index)
            xml.append(markup: "</v></c>")
        } else {
            Spreadsheet.cell(value, style: 0, into: &xml)
        }
        column += 1
    }

    mutating func beginText() {
        openRow()
        xml.append(markup: #"<c t="inlineStr"><is><t>"#)
        textStart = xml.count
        spacing = false
    }

    mutating func piece(_ text: String) {
        var text = text
        text.withUTF8 { piece(utf8: $0) }
    }

    mutating func piece(decimal: Int64) {
        xml.append(decimal: decimal)
        lastByte = UInt8(ascii: "0")
    }

    mutating func piece(utf8: UnsafeBufferPointer<UInt8>) {
        guard let last = utf8.last else { return }
        let (clean, breaks) = XMLText.scan(utf8)
        if breaks || (xml.count == textStart && utf8.first == UInt8(ascii: " ")) { spacing = true }
        if clean {
            xml.append(bytes: utf8)
        } else {
            xml.append(text: XMLText.escaped(String(decoding: utf8, as: UTF8.self)))
        }
        lastByte = last
    }

    mutating func endText() {
        if xml.count == textStart {
            // Nothing written: an empty cell, as `cell("")` makes.
            xml.removeLast(#"<c t="inlineStr"><is><t>"#.utf8.count)
            xml.append(markup: "<c/>")
        } else {
            if spacing || lastByte == UInt8(ascii: " ") {
                // Rare (a note with a line break): the attribute goes in after the fact.
                let preserve: StaticString = #" xml:space="preserve""#
                preserve.withUTF8Buffer { xml.insert($0, at: textStart - 1) }
            }
            xml.append(markup: "</t></is></c>")
        }
        column += 1
    }

    mutating func endRow() {
        openRow()
        xml.append(markup: "</row>")
        columns = max(columns, column)
        column = 0
        number += 1
        rowOpen = false
    }

    private mutating func openRow() {
        guard !rowOpen else { return }
        Spreadsheet.openRow(number, into: &xml)
        rowOpen = true
    }
}
