import Foundation
import ZIPFoundation

/// An Office Open XML package: named XML parts in a zip container, as Word and Excel read
/// them. The parts are written by this target; the container is ZIPFoundation's.
struct OOXMLPackage {
    private var parts: [(name: String, xml: String)] = []

    mutating func add(_ name: String, _ xml: String) {
        parts.append((name, xml))
    }

    /// The package's bytes. `modified` stamps every entry, so the same document gives the same
    /// file (a clerk's second download is not "a new version").
    func data(modified: Date) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for part in parts {
            let bytes = Data(part.xml.utf8)
            try archive.addEntry(with: part.name, type: .file, uncompressedSize: Int64(bytes.count),
                                 modificationDate: modified, compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<min(Int(position) + size, bytes.count))
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    static let xmlDeclaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"

    /// `docProps/core.xml`: the title and author a file browser and Word's properties show.
    static func coreProperties(title: String, creator: String, created: Date) -> String {
        let stamp = ISO8601DateFormatter().string(from: created)
        return xmlDeclaration + """
            <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
            xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
            <dc:title>\(XMLText.escaped(title))</dc:title><dc:creator>\(XMLText.escaped(creator))</dc:creator>\
            <dc:language>vi-VN</dc:language>\
            <dcterms:created xsi:type="dcterms:W3CDTF">\(stamp)</dcterms:created>\
            <dcterms:modified xsi:type="dcterms:W3CDTF">\(stamp)</dcterms:modified>\
            </cp:coreProperties>
            """
    }

    /// `_rels/.rels`: where the main part and the properties are.
    static func packageRelationships(main: String, type: String) -> String {
        xmlDeclaration + """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/\(type)" Target="\(main)"/>\
            <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
            </Relationships>
            """
    }
}
