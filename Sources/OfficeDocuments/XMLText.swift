/// Text as OOXML parts carry it: escaped, and without the characters XML 1.0 cannot hold
/// (a control character pasted into a note would otherwise make Word refuse the whole file).
enum XMLText {
    /// What a text's UTF-8 bytes need: `clean` when nothing is escaped or dropped, `spacing`
    /// when it starts or ends with white space or holds a tab or a line break, which a reader
    /// may trim or fold unless the element keeps its space (`xml:space="preserve"`).
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> (clean: Bool, spacing: Bool) {
        var clean = true, spacing = bytes.first == UInt8(ascii: " ") || bytes.last == UInt8(ascii: " ")
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""): clean = false
            case 0x09, 0x0A, 0x0D: spacing = true
            case 0..<0x20: clean = false
            // U+FFFE and U+FFFF, which XML cannot hold, are EF BF BE and EF BF BF.
            case 0xBE...0xBF where index >= 2 && bytes[index - 2] == 0xEF && bytes[index - 1] == 0xBF: clean = false
            default: continue
            }
        }
        return (clean, spacing)
    }

    static func escaped(_ text: String) -> String {
        // Most text needs nothing: decided on its UTF-8 bytes.
        let clean = text.utf8.withContiguousStorageIfAvailable { scan($0).clean }
        if clean == true { return text }
        var result = String.UnicodeScalarView()
        result.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result.append(contentsOf: "&amp;".unicodeScalars)
            case "<": result.append(contentsOf: "&lt;".unicodeScalars)
            case ">": result.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": result.append(contentsOf: "&quot;".unicodeScalars)
            case "\t", "\n", "\r": result.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                result.append(scalar)
            }
        }
        return String(result)
    }
}
