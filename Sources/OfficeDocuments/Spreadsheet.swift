import Foundation

/// An .xlsx workbook of plain tables: each sheet a header row (bold, frozen, with filters) and
/// rows of text and numbers, as district staff open exports in Excel. Text travels as inline
/// strings, so a cell is never read as a formula whatever it starts with.
public struct Spreadsheet: Sendable {
    public var title: String
    public var creator: String
    public var sheets: [Sheet]

    public init(title: String, creator: String, sheets: [Sheet]) {
        self.title = title
        self.creator = creator
        self.sheets = sheets
    }

    public enum Value: Sendable, Equatable {
        case text(String)
        case number(Double)

        /// A CSV export's cell: a plain whole number becomes a number (counts, percentages,
        /// money), anything else stays text (codes like `4.1` or `007` keep their form).
        /// Decided on the UTF-8 bytes: a million-row export asks fifteen million times.
        public init(exported text: String) {
            let bytes = text.utf8
            let digits = bytes.first == UInt8(ascii: "-") ? bytes.dropFirst() : bytes[...]
            if !digits.isEmpty, digits.count <= 15, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
               digits.count == 1 || digits.first != UInt8(ascii: "0"), let value = Double(text) {
                self = .number(value)
            } else {
                self = .text(text)
            }
        }
    }

    public struct Sheet: Sendable {
        public var name: String
        public var header: [String]
        public var rows: [[Value]]

        public init(name: String, header: [String], rows: [[Value]]) {
            self.name = Self.cleanName(name)
            self.header = header
            self.rows = rows
        }

        /// The first row of an export as the header, the rest as values.
        public init(name: String, exported rows: [[String]]) {
            self.init(name: name, header: rows.first ?? [], rows: rows.dropFirst().map { $0.map(Value.init(exported:)) })
        }

        /// Excel's rules for a sheet's name: at most 31 characters, none of `[]:*?/\`.
        static func cleanName(_ name: String) -> String {
            let cleaned = String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
            return cleaned.isEmpty ? "Sheet" : cleaned
        }
    }

    /// The .xlsx file's bytes.
    public func data(created: Date) throws -> Data {
        var package = OOXMLPackage()
        for (name, xml) in Self.fixedParts(title: title, creator: creator, created: created, sheets: sheets.map {
            .init(name: $0.name, columns: Self.columns($0), rows: $0.rows.count)
        }) {
            package.add(name, xml)
        }
        for (index, sheet) in sheets.enumerated() {
            package.add("xl/worksheets/sheet\(index + 1).xml", Self.xml(sheet))
        }
        return try package.data(modified: created)
    }

    /// Every part but the sheets' and the shared strings', by name (`sharedStrings`: whether
    /// the workbook has them).
    static func fixedParts(title: String, creator: String, created: Date, sheets: [SpreadsheetParts.SheetShape],
                           sharedStrings: Bool = false) -> [(String, String)] {
        [("[Content_Types].xml", SpreadsheetParts.contentTypes(sheets: sheets.count, sharedStrings: sharedStrings)),
         ("_rels/.rels", OOXMLPackage.packageRelationships(main: "xl/workbook.xml", type: "officeDocument")),
         ("docProps/core.xml", OOXMLPackage.coreProperties(title: title, creator: creator, created: created)),
         ("xl/workbook.xml", SpreadsheetParts.workbook(sheets: sheets)),
         ("xl/_rels/workbook.xml.rels", SpreadsheetParts.workbookRelationships(sheets: sheets.count, sharedStrings: sharedStrings)),
         ("xl/styles.xml", SpreadsheetParts.styles)]
    }

    static func columns(_ sheet: Sheet) -> Int {
        max(sheet.header.count, sheet.rows.map(\.count).max() ?? 0)
    }

    static func xml(_ sheet: Sheet) -> String {
        var xml = head(sheet)
        for (index, values) in sheet.rows.enumerated() {
            xml += row(index + 2, values, style: 0)
        }
        return xml + tail(columns: columns(sheet), rows: sheet.rows.count)
    }

    /// A sheet's XML up to its first row of values: the frozen header, the column widths (from
    /// the rows it has so far) and the header row.
    static func head(_ sheet: Sheet) -> String {
        let columns = columns(sheet)
        var xml = OOXMLPackage.xmlDeclaration + """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0">\
            <pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>
            """
        if columns > 0 {
            xml += "<cols>"
            for column in 0..<columns {
                xml += #"<col min="\#(column + 1)" max="\#(column + 1)" width="\#(width(of: column, in: sheet))" customWidth="1"/>"#
            }
            xml += "</cols>"
        }
        return xml + "<sheetData>" + row(1, sheet.header.map(Value.text), style: 1)
    }

    /// A sheet's XML after its last row: the filter over all of it.
    static func tail(columns: Int, rows: Int) -> String {
        "</sheetData>" + (columns > 0 ? #"<autoFilter ref="A1:\#(reference(column: columns - 1, row: rows + 1))"/>"# : "") + "</worksheet>"
    }

    static func row(_ number: Int, _ values: [Value], style: Int) -> String {
        var xml: [UInt8] = []
        row(number, values, style: style, into: &xml)
        return String(decoding: xml, as: UTF8.self)
    }

    /// A row's XML appended as bytes: a million-row export writes fifteen million cells.
    static func row(_ number: Int, _ values: [Value], style: Int, into xml: inout [UInt8]) {
        openRow(number, into: &xml)
        for value in values { cell(value, style: style, into: &xml) }
        xml.append(markup: "</row>")
    }

    static func openRow(_ number: Int, into xml: inout some MarkupOutput) {
        // Cells in order need no reference of their own (`r` is optional): a million-row
        // export is spared fifteen million of them.
        xml.append(markup: #"<row r=""#)
        xml.append(decimal: number)
        xml.append(markup: #"">"#)
    }

    static func cell(_ value: Value, style: Int, into xml: inout some MarkupOutput) {
        xml.append(markup: "<c")
        if style != 0 {
            xml.append(markup: #" s=""#)
            xml.append(decimal: style)
            xml.append(markup: #"""#)
        }
        switch value {
        case .number(let number):
            xml.append(markup: "><v>")
            if number == number.rounded() && abs(number) < 1e15 { xml.append(decimal: Int64(number)) } else { xml.append(text: String(number)) }
            xml.append(markup: "</v></c>")
        case .text(let text) where text.isEmpty:
            // An empty cell keeps its place (cells carry no reference) and holds nothing.
            xml.append(markup: "/>")
        case .text(let text):
            xml.append(markup: #" t="inlineStr"><is>"#)
            Self.text(text, into: &xml)
            xml.append(markup: "</is></c>")
        }
    }

    /// A text's `<t>` element, as a cell or a shared string holds it. One pass over the bytes
    /// decides both the escaping and `xml:space`, which goes only where spacing could be lost:
    /// 21 bytes a cell otherwise, which a million-row sheet writes, checksums and deflates
    /// fifteen million times.
    static func text(_ text: String, into xml: inout some MarkupOutput) {
        var bytes = text
        bytes.withUTF8 { utf8 in
            let (clean, breaks) = XMLText.scan(utf8)
            let spacing = breaks || utf8.first == UInt8(ascii: " ") || utf8.last == UInt8(ascii: " ")
            xml.append(markup: spacing ? #"<t xml:space="preserve">"# : "<t>")
            if clean { xml.append(bytes: utf8) } else { xml.append(text: XMLText.escaped(text)) }
        }
        xml.append(markup: "</t>")
    }

    /// A column wide enough for its longest entry among the first rows, within reason.
    private static func width(of column: Int, in sheet: Sheet) -> Int {
        var longest = column < sheet.header.count ? sheet.header[column].count : 0
        for values in sheet.rows.prefix(500) where column < values.count {
            if case .text(let text) = values[column] { longest = max(longest, text.count) } else { longest = max(longest, 10) }
        }
        return min(max(longest + 2, 8), 60)
    }

    /// `A1`-style reference: columns A…Z, AA…
    static func reference(column: Int, row: Int) -> String {
        var letters = ""
        var rest = column + 1
        while rest > 0 {
            let digit = (rest - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + digit))) + letters
            rest = (rest - 1) / 26
        }
        return letters + String(row)
    }
}
