/// Text as OOXML parts carry it: escaped, and without the characters XML 1.0 cannot hold
/// (a control character pasted into a note would otherwise make Word refuse the whole file).
enum XMLText {
    /// What a text's UTF-8 bytes need: `clean` when nothing is escaped or dropped, `breaks`
    /// when it holds a tab or a line break, which a reader may fold unless the element keeps
    /// its space (`xml:space="preserve"`), as it must too for a text that starts or ends with
    /// a space.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> (clean: Bool, breaks: Bool) {
        var clean = true, breaks = false
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""): clean = false
            case 0x09, 0x0A, 0x0D: breaks = true
            case 0..<0x20: clean = false
            // U+FFFE and U+FFFF, which XML cannot hold, are EF BF BE and EF BF BF.
            case 0xBE...0xBF where index >= 2 && bytes[index - 2] == 0xEF && bytes[index - 1] == 0xBF: clean = false
            default: continue
            }
        }
        return (clean, breaks)
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
