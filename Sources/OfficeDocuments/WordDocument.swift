import Foundation

/// A Word document as administrative documents need it: paragraphs and tables on A4 pages,
/// one font, page numbers from the second page. Only what official reports use, written as
/// WordprocessingML (ECMA-376) that Word and LibreOffice open alike.
public struct WordDocument: Sendable {
    public var title: String
    public var creator: String
    public var font: String
    /// Body text size in points.
    public var fontSize: Double
    public var page: PageSetup
    /// Page numbers at the top centre, from page 2 on (Decree 30/2020, Appendix I).
    public var numberPagesAfterFirst: Bool
    public var blocks: [Block]

    public init(title: String, creator: String, font: String = "Times New Roman", fontSize: Double = 14,
                page: PageSetup = .a4Decree30, numberPagesAfterFirst: Bool = true, blocks: [Block] = []) {
        self.title = title
        self.creator = creator
        self.font = font
        self.fontSize = fontSize
        self.page = page
        self.numberPagesAfterFirst = numberPagesAfterFirst
        self.blocks = blocks
    }

    public enum Block: Sendable {
        case paragraph(Paragraph)
        case table(Table)
    }

    /// Paper size and margins in millimetres.
    public struct PageSetup: Sendable {
        public var widthMM: Double, heightMM: Double
        public var topMM: Double, bottomMM: Double, leftMM: Double, rightMM: Double

        /// A4 with the decree's margins: top and bottom 20–25 mm, left 30–35, right 15–20.
        public static let a4Decree30 = PageSetup(widthMM: 210, heightMM: 297, topMM: 20, bottomMM: 20, leftMM: 30, rightMM: 15)

        public var textWidthMM: Double { widthMM - leftMM - rightMM }
    }

    public struct Run: Sendable {
        public var text: String
        public var bold = false
        public var italic = false
        /// Points; the document's size when nil.
        public var size: Double?

        public init(_ text: String, bold: Bool = false, italic: Bool = false, size: Double? = nil) {
            self.text = text
            self.bold = bold
            self.italic = italic
            self.size = size
        }
    }

    public enum Alignment: String, Sendable {
        case left, center, right, justified = "both"
    }

    public struct Paragraph: Sendable {
        public var runs: [Run]
        public var alignment: Alignment
        public var firstLineIndentMM: Double = 0
        public var leftIndentMM: Double = 0
        public var rightIndentMM: Double = 0
        public var spaceBeforePt: Double = 0
        public var spaceAfterPt: Double = 0
        /// A rule under the paragraph between its indents.
        public var ruleBelow = false
        /// The size of the paragraph's mark in points: what an empty paragraph's height follows.
        public var markSize: Double?
        /// Kept on the page of the paragraph after it (a heading with its table).
        public var keepWithNext = false

        public init(_ runs: [Run], alignment: Alignment = .justified, firstLineIndentMM: Double = 0, spaceBeforePt: Double = 0,
                    spaceAfterPt: Double = 0) {
            self.runs = runs
            self.alignment = alignment
            self.firstLineIndentMM = firstLineIndentMM
            self.spaceBeforePt = spaceBeforePt
            self.spaceAfterPt = spaceAfterPt
        }
    }

    /// A short centred line of `lengthMM` in a column `widthMM` wide: the rules under the
    /// issuing body's name, the motto and the title.
    public static func rule(lengthMM: Double, in widthMM: Double) -> Paragraph {
        var paragraph = Paragraph([], alignment: .center)
        paragraph.ruleBelow = true
        paragraph.leftIndentMM = max(0, (widthMM - lengthMM) / 2)
        paragraph.rightIndentMM = paragraph.leftIndentMM
        paragraph.markSize = 1
        return paragraph
    }

    public struct Table: Sendable {
        /// Column widths in millimetres; they should add up to the page's text width.
        public var columnsMM: [Double]
        public var rows: [[Cell]]
        public var borders: Bool
        /// Rows repeated at the top of each page the table runs onto.
        public var headerRows: Int

        public init(columnsMM: [Double], rows: [[Cell]], borders: Bool = true, headerRows: Int = 0) {
            self.columnsMM = columnsMM
            self.rows = rows
            self.borders = borders
            self.headerRows = headerRows
        }
    }

    public struct Cell: Sendable {
        public var paragraphs: [Paragraph]

        public init(_ paragraphs: [Paragraph]) {
            self.paragraphs = paragraphs
        }
    }

    /// The .docx file's bytes.
    public func data(created: Date) throws -> Data {
        var package = OOXMLPackage()
        package.add("[Content_Types].xml", WordParts.contentTypes(header: numberPagesAfterFirst))
        package.add("_rels/.rels", OOXMLPackage.packageRelationships(main: "word/document.xml", type: "officeDocument"))
        package.add("docProps/core.xml", OOXMLPackage.coreProperties(title: title, creator: creator, created: created))
        package.add("word/_rels/document.xml.rels", WordParts.documentRelationships(header: numberPagesAfterFirst))
        package.add("word/styles.xml", WordParts.styles(font: font, size: fontSize))
        package.add("word/settings.xml", WordParts.settings)
        if numberPagesAfterFirst { package.add("word/header1.xml", WordParts.pageNumberHeader(size: fontSize)) }
        package.add("word/document.xml", documentXML())
        return try package.data(modified: created)
    }

    func documentXML() -> String {
        var body = ""
        for block in blocks {
            switch block {
            case .paragraph(let paragraph): body += Self.xml(paragraph)
            case .table(let table): body += Self.xml(table)
            }
        }
        let header = numberPagesAfterFirst ? #"<w:headerReference w:type="default" r:id="rIdHeader"/>"# : ""
        let section = """
            <w:sectPr>\(header)<w:pgSz w:w="\(Self.twips(mm: page.widthMM))" w:h="\(Self.twips(mm: page.heightMM))"/>\
            <w:pgMar w:top="\(Self.twips(mm: page.topMM))" w:right="\(Self.twips(mm: page.rightMM))" \
            w:bottom="\(Self.twips(mm: page.bottomMM))" w:left="\(Self.twips(mm: page.leftMM))" \
            w:header="567" w:footer="567" w:gutter="0"/>\(numberPagesAfterFirst ? "<w:titlePg/>" : "")</w:sectPr>
            """
        return OOXMLPackage.xmlDeclaration + """
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>\(body)\(section)</w:body></w:document>
            """
    }

    static func twips(mm: Double) -> Int { Int((mm * 1440 / 25.4).rounded()) }
    static func halfPoints(_ points: Double) -> Int { Int((points * 2).rounded()) }

    static func xml(_ paragraph: Paragraph) -> String {
        var properties = ""
        if paragraph.keepWithNext { properties += "<w:keepNext/>" }
        if paragraph.ruleBelow {
            properties += #"<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>"#
        }
        properties += #"<w:spacing w:before="\#(Int(paragraph.spaceBeforePt * 20))" w:after="\#(Int(paragraph.spaceAfterPt * 20))"/>"#
        if paragraph.firstLineIndentMM != 0 || paragraph.leftIndentMM != 0 || paragraph.rightIndentMM != 0 {
            properties += #"<w:ind w:left="\#(twips(mm: paragraph.leftIndentMM))" w:right="\#(twips(mm: paragraph.rightIndentMM))" w:firstLine="\#(twips(mm: paragraph.firstLineIndentMM))"/>"#
        }
        properties += #"<w:jc w:val="\#(paragraph.alignment.rawValue)"/>"#
        if let size = paragraph.markSize { properties += #"<w:rPr><w:sz w:val="\#(halfPoints(size))"/></w:rPr>"# }
        return "<w:p><w:pPr>\(properties)</w:pPr>\(paragraph.runs.map(xml).joined())</w:p>"
    }

    static func xml(_ run: Run) -> String {
        var properties = ""
        if run.bold { properties += "<w:b/><w:bCs/>" }
        if run.italic { properties += "<w:i/><w:iCs/>" }
        if let size = run.size { properties += #"<w:sz w:val="\#(halfPoints(size))"/><w:szCs w:val="\#(halfPoints(size))"/>"# }
        // A line break inside a run is <w:br/>; the text between keeps its spaces.
        let pieces = run.text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { #"<w:t xml:space="preserve">\#(XMLText.escaped(String($0)))</w:t>"# }
        return "<w:r><w:rPr>\(properties)</w:rPr>\(pieces.joined(separator: "<w:br/>"))</w:r>"
    }

    static func xml(_ table: Table) -> String {
        let border = table.borders ? "single" : "nil"
        let borders = ["top", "left", "bottom", "right", "insideH", "insideV"]
            .map { #"<w:\#($0) w:val="\#(border)" w:sz="4" w:space="0" w:color="000000"/>"# }.joined()
        let total = table.columnsMM.reduce(0, +)
        var xml = """
            <w:tbl><w:tblPr><w:tblW w:w="\(twips(mm: total))" w:type="dxa"/><w:jc w:val="center"/>\
            <w:tblBorders>\(borders)</w:tblBorders><w:tblLayout w:type="fixed"/>\
            <w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr>\
            <w:tblGrid>\(table.columnsMM.map { #"<w:gridCol w:w="\#(twips(mm: $0))"/>"# }.joined())</w:tblGrid>
            """
        for (index, row) in table.rows.enumerated() {
            xml += "<w:tr><w:trPr><w:cantSplit/>\(index < table.headerRows ? "<w:tblHeader/>" : "")</w:trPr>"
            for (column, cell) in row.enumerated() {
                let width = column < table.columnsMM.count ? twips(mm: table.columnsMM[column]) : 0
                let paragraphs = cell.paragraphs.isEmpty ? [Paragraph([])] : cell.paragraphs
                xml += #"<w:tc><w:tcPr><w:tcW w:w="\#(width)" w:type="dxa"/></w:tcPr>\#(paragraphs.map(Self.xml).joined())</w:tc>"#
            }
            xml += "</w:tr>"
        }
        return xml + "</w:tbl>"
    }
}
