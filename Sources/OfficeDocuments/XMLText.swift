/// Text as OOXML parts carry it: escaped, and without the characters XML 1.0 cannot hold
/// (a control character pasted into a note would otherwise make Word refuse the whole file).
enum XMLText {
    /// What a text's UTF-8 bytes need: `clean` when nothing is escaped or dropped, `breaks`
    /// when it holds a tab or a line break, which a reader may fold unless the element keeps
    /// its space (`xml:space="preserve"`), as it must too for a text that starts or ends with
    /// a space.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> (clean: Bool, breaks: Bool) {
        var clean = true, breaks = false
        // A byte at a time, from a table: a million-row sheet scans a quarter of a billion.
        kinds.withUnsafeBufferPointer { kinds in
            for index in bytes.indices {
                let kind = kinds[Int(bytes[index])]
                if kind == 0 { continue }
                if kind == Kind.breaks {
                    breaks = true
                } else if kind == Kind.escaped || (index >= 2 && bytes[index - 2] == 0xEF && bytes[index - 1] == 0xBF) {
                    clean = false
                }
            }
        }
        return (clean, breaks)
    }

    private enum Kind {
        static let escaped: UInt8 = 1, breaks: UInt8 = 2
        /// The last byte of U+FFFE or U+FFFF (EF BF BE, EF BF BF), which XML cannot hold.
        static let noncharacter: UInt8 = 3
    }

    /// What each byte value needs, 0 for most.
    private static let kinds: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""): Kind.escaped
        case 0x09, 0x0A, 0x0D: Kind.breaks
        case 0..<0x20: Kind.escaped
        case 0xBE...0xBF: Kind.noncharacter
        default: 0
        }
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
