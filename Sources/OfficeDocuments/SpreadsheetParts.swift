/// The fixed parts of an .xlsx around its sheets: content types, the workbook and its
/// relationships, and two cell styles (plain, and the bold wrapped header).
enum SpreadsheetParts {
    static func contentTypes(sheets: Int, sharedStrings: Bool = false) -> String {
        let overrides = (1...max(sheets, 1)).map {
            #"<Override PartName="/xl/worksheets/sheet\#($0).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }.joined()
        return OOXMLPackage.xmlDeclaration + """
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            \(overrides)\
            \(sharedStrings ? #"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"# : "")\
            <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
            </Types>
            """
    }

    /// What the workbook part says of a sheet: its name, and the extent of its filter.
    struct SheetShape: Sendable {
        var name: String
        var columns: Int
        var rows: Int
    }

    static func workbook(sheets: [SheetShape]) -> String {
        let entries = sheets.enumerated().map { index, sheet in
            #"<sheet name="\#(XMLText.escaped(sheet.name))" sheetId="\#(index + 1)" r:id="rId\#(index + 1)"/>"#
        }.joined()
        // Excel keeps each sheet's filter range as a hidden name; without it Excel repairs the file.
        let filters = sheets.enumerated().map { index, sheet in
            let columns = sheet.columns
            guard columns > 0 else { return "" }
            let name = "'" + sheet.name.replacingOccurrences(of: "'", with: "''") + "'"
            let end = Spreadsheet.reference(column: columns - 1, row: sheet.rows + 1)
            let absolute = "$" + end.prefix { $0.isLetter } + "$" + end.drop { $0.isLetter }
            return #"<definedName name="_xlnm._FilterDatabase" localSheetId="\#(index)" hidden="1">\#(XMLText.escaped(name))!$A$1:\#(absolute)</definedName>"#
        }.joined()
        return OOXMLPackage.xmlDeclaration + """
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets>\(entries)</sheets>\(filters.isEmpty ? "" : "<definedNames>\(filters)</definedNames>")</workbook>
            """
    }

    static func workbookRelationships(sheets: Int, sharedStrings: Bool = false) -> String {
        let entries = (1...max(sheets, 1)).map {
            #"<Relationship Id="rId\#($0)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#($0).xml"/>"#
        }.joined()
        return OOXMLPackage.xmlDeclaration + """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(entries)\
            <Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            \(sharedStrings ? #"<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"# : "")\
            </Relationships>
            """
    }

    static let styles = OOXMLPackage.xmlDeclaration + """
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <fonts count="2"><font><sz val="12"/><name val="Times New Roman"/></font>\
        <font><b/><sz val="12"/><name val="Times New Roman"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">\
        <alignment wrapText="1" vertical="center"/></xf></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """
}
