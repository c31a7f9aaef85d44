import Foundation
import ZIPFoundation

/// The kinds of evidence file a commune may attach: scans (PDF, JPEG, PNG, TIFF) and office
/// documents (Word, Excel, OpenDocument). Told apart by their bytes, never by their name: a
/// program renamed `.pdf` is refused on the PC and again at the hub.
public enum EvidenceType: String, CaseIterable, Sendable {
    case pdf = "application/pdf"
    case jpeg = "image/jpeg"
    case png = "image/png"
    case tiff = "image/tiff"
    case doc = "application/msword"
    case docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    case xls = "application/vnd.ms-excel"
    case xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    case odt = "application/vnd.oasis.opendocument.text"
    case ods = "application/vnd.oasis.opendocument.spreadsheet"

    /// What officers call it.
    public var label: String {
        switch self {
        case .pdf: "PDF"
        case .jpeg: "Ảnh JPEG"
        case .png: "Ảnh PNG"
        case .tiff: "Ảnh TIFF"
        case .doc, .docx: "Văn bản Word"
        case .xls, .xlsx: "Bảng tính Excel"
        case .odt: "Văn bản OpenDocument"
        case .ods: "Bảng tính OpenDocument"
        }
    }

    /// Images and PDFs open in the browser; the rest always download.
    public var opensInline: Bool {
        switch self {
        case .pdf, .jpeg, .png: true
        default: false
        }
    }

    public var isImage: Bool { self == .jpeg || self == .png || self == .tiff }

    /// What is accepted, for the refusal message.
    static let acceptedList = "PDF, JPEG, PNG, TIFF, Word (DOC, DOCX), Excel (XLS, XLSX), OpenDocument (ODT, ODS)"

    /// The type of the file at `path`, read from its bytes, or a refusal in Vietnamese.
    public static func sniff(path: String) throws -> EvidenceType {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SyncError(.invalidInput, "Không đọc được tệp \(path).")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8)) ?? Data()
        if let type = try sniff(head: Array(head), path: path, handle: handle) { return type }
        throw SyncError(.fileType, "Loại tệp không được chấp nhận. Chỉ nhận: \(acceptedList).")
    }

    private static func sniff(head: [UInt8], path: String, handle: FileHandle) throws -> EvidenceType? {
        func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return compoundDocument(handle) }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return zipDocument(path) }
        return nil
    }

    /// A Word 97–2003 or Excel 97–2003 file: an OLE2 compound file whose directory names its
    /// main stream (UTF-16LE `WordDocument`, or `Workbook` / `Book`). Other compound files
    /// (installers, Outlook messages) have neither.
    private static func compoundDocument(_ handle: FileHandle) -> EvidenceType? {
        func utf16(_ name: String) -> Data { Data(name.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) }
        let word = utf16("WordDocument"), workbooks = [utf16("Workbook"), utf16("Book\0")]
        // Read a megabyte at a time, each block overlapping the last by more than a name, so
        // twenty uploads checked at once at the hub never hold their files in memory.
        var carried = Data()
        try? handle.seek(toOffset: 0)
        while let block = try? handle.read(upToCount: 1 << 20), !block.isEmpty {
            let window = carried + block
            if window.range(of: word) != nil { return .doc }
            if workbooks.contains(where: { window.range(of: $0) != nil }) { return .xls }
            carried = window.suffix(32)
        }
        return nil
    }

    /// An Office Open XML or OpenDocument file: a zip with `[Content_Types].xml` and the main
    /// part of a document or workbook, or with a `mimetype` entry naming the OpenDocument type.
    /// Any other zip (an archive of programs) is refused.
    private static func zipDocument(_ path: String) -> EvidenceType? {
        guard let archive = try? Archive(url: URL(fileURLWithPath: path), accessMode: .read) else { return nil }
        if archive["[Content_Types].xml"] != nil {
            if archive["word/document.xml"] != nil { return .docx }
            if archive["xl/workbook.xml"] != nil { return .xlsx }
            return nil
        }
        guard let entry = archive["mimetype"], entry.uncompressedSize < 200 else { return nil }
        var mimetype = Data()
        guard (try? archive.extract(entry, consumer: { mimetype.append($0) })) != nil else { return nil }
        switch String(decoding: mimetype, as: UTF8.self) {
        case EvidenceType.odt.rawValue: return .odt
        case EvidenceType.ods.rawValue: return .ods
        default: return nil
        }
    }
}
