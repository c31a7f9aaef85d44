/// The fixed parts of a .docx around its document part: content types, relationships, the
/// default style (font, size, Vietnamese as the language for spelling and hyphenation) and the
/// page-number header.
enum WordParts {
    static func contentTypes(header: Bool) -> String {
        OOXMLPackage.xmlDeclaration + """
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
            <Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
            <Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>\
            \(header ? #"<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>"# : "")\
            <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
            </Types>
            """
    }

    static func documentRelationships(header: Bool) -> String {
        OOXMLPackage.xmlDeclaration + """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            <Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>\
            \(header ? #"<Relationship Id="rIdHeader" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>"# : "")\
            </Relationships>
            """
    }

    /// Every run in `font` at `size` unless it says otherwise; single line spacing.
    static func styles(font: String, size: Double) -> String {
        let font = XMLText.escaped(font)
        let halfPoints = WordDocument.halfPoints(size)
        return OOXMLPackage.xmlDeclaration + """
            <w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
            <w:docDefaults><w:rPrDefault><w:rPr>\
            <w:rFonts w:ascii="\(font)" w:hAnsi="\(font)" w:eastAsia="\(font)" w:cs="\(font)"/>\
            <w:sz w:val="\(halfPoints)"/><w:szCs w:val="\(halfPoints)"/><w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/>\
            </w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>\
            </w:docDefaults>\
            <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>\
            <w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>\
            <w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>\
            <w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>\
            </w:styles>
            """
    }

    static let settings = OOXMLPackage.xmlDeclaration + """
        <w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
        <w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/>\
        <w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>\
        </w:settings>
        """

    /// The page number, centred at the top; the section's `titlePg` keeps it off page 1.
    static func pageNumberHeader(size: Double) -> String {
        let halfPoints = WordDocument.halfPoints(size)
        return OOXMLPackage.xmlDeclaration + """
            <w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
            <w:p><w:pPr><w:jc w:val="center"/></w:pPr>\
            <w:r><w:rPr><w:sz w:val="\(halfPoints)"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r>\
            <w:r><w:rPr><w:sz w:val="\(halfPoints)"/></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>\
            <w:r><w:rPr><w:sz w:val="\(halfPoints)"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r>\
            <w:r><w:rPr><w:sz w:val="\(halfPoints)"/></w:rPr><w:t>2</w:t></w:r>\
            <w:r><w:rPr><w:sz w:val="\(halfPoints)"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r></w:p>\
            </w:hdr>
            """
    }
}
