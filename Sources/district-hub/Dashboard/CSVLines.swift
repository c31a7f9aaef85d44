import NIOCore
import OfficeDocuments

/// Rows of a CSV document as the bytes sent, each ended by CRLF, written cell by cell: each
/// cell's UTF-8 is copied once, quoted and defused (`field`) only where it needs it. A
/// million-row export writes fifteen million cells, so the rule runs on bytes.
struct CSVLines: CellWriter {
    private var bytes: [UInt8] = []
    private var column = 0
    /// Where the open piece-written cell starts.
    private var textStart = 0

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// The lines written, to be sent.
    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }

    mutating func cell(_ text: String) {
        separate()
        var text = text
        text.withUTF8 { Self.append(field: $0, to: &bytes) }
    }

    mutating func beginText() {
        separate()
        textStart = bytes.count
    }

    mutating func piece(_ text: String) { bytes.append(contentsOf: text.utf8) }
    mutating func piece(decimal: Int64) { bytes.append(contentsOf: String(decimal).utf8) }
    mutating func piece(utf8: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: utf8) }

    mutating func endText() {
        let plain = bytes.withUnsafeBufferPointer { Self.isPlain(UnsafeBufferPointer(rebasing: $0[textStart...])) }
        guard !plain else { return }
        // A cell to quote or defuse (a label with a comma, a note): written again, as `cell` would.
        let text = Array(bytes[textStart...])
        bytes.removeSubrange(textStart...)
        text.withUnsafeBufferPointer { Self.append(field: $0, to: &bytes) }
    }

    mutating func endRow() {
        bytes.append(UInt8(ascii: "\r"))
        bytes.append(UInt8(ascii: "\n"))
        column = 0
    }

    private mutating func separate() {
        if column > 0 { bytes.append(UInt8(ascii: ",")) }
        column += 1
    }

    /// `text` as a CSV field: RFC 4180 quoting; a field that starts with =, +, -, @, a tab or a
    /// carriage return (after any combining marks, which a spreadsheet passes over) is defused
    /// with a leading `'`, so a spreadsheet never runs it as a formula.
    static func field(_ text: String) -> String {
        var text = text, field: [UInt8] = []
        text.withUTF8 { append(field: $0, to: &field) }
        return String(decoding: field, as: UTF8.self)
    }

    /// Appends `utf8` as a field. On bytes and scalars, not `Character`s: `"` followed by a
    /// combining mark is one grapheme, yet a CSV reader sees the quote. The characters that
    /// matter are all ASCII, and an ASCII byte is never part of another character's encoding.
    private static func append(field utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        let quoted = utf8.contains(where: isSpecial)
        let defused = startsFormula(utf8)
        guard quoted || defused else {
            bytes.append(contentsOf: utf8)
            return
        }
        if quoted { bytes.append(UInt8(ascii: "\"")) }
        if defused { bytes.append(UInt8(ascii: "'")) }
        for byte in utf8 {
            bytes.append(byte)
            if quoted, byte == UInt8(ascii: "\"") { bytes.append(byte) }
        }
        if quoted { bytes.append(UInt8(ascii: "\"")) }
    }

    /// Whether `utf8` goes out as it is.
    private static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        !utf8.contains(where: isSpecial) && !startsFormula(utf8)
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    /// Whether a spreadsheet takes the field for a formula: its first scalar that is not a
    /// combining mark is one of `=+-@`, a tab or a carriage return.
    private static func startsFormula(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = utf8.first else { return false }
        if first < 0x80 { return isFormulaSign(first) }
        var scalars = utf8.makeIterator(), decoder = UTF8()
        while case .scalarValue(let scalar) = decoder.decode(&scalars) {
            if scalar.isASCII { return isFormulaSign(UInt8(scalar.value)) }
            // Vietnamese letters (Latin-1, Latin Extended, Latin Extended Additional) decided
            // without Unicode's tables.
            if (0xC0...0x2FF).contains(scalar.value) || (0x1E00...0x1EFF).contains(scalar.value) || !scalar.isCombiningMark { return false }
        }
        return false
    }

    private static func isFormulaSign(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), UInt8(ascii: "\t"), UInt8(ascii: "\r"): true
        default: false
        }
    }
}

private extension Unicode.Scalar {
    /// A mark that joins the character before it (an accent, an enclosing circle).
    var isCombiningMark: Bool {
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }
}
