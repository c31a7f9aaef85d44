/// Text as OOXML parts carry it: escaped, and without the characters XML 1.0 cannot hold
/// (a control character pasted into a note would otherwise make Word refuse the whole file).
enum XMLText {
    static func escaped(_ text: String) -> String {
        // Most text needs nothing: decided on its UTF-8 bytes (U+FFFE and U+FFFF are EF BF BE/BF).
        let clean = text.utf8.withContiguousStorageIfAvailable { bytes in
            for (index, byte) in bytes.enumerated() {
                switch byte {
                case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""): return false
                case 0x09, 0x0A, 0x0D: continue
                case 0..<0x20: return false
                case 0xBE, 0xBF where index >= 2 && bytes[index - 2] == 0xEF && bytes[index - 1] == 0xBF: return false
                default: continue
                }
            }
            return true
        }
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
