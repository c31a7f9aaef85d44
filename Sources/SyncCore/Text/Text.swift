import Foundation

extension String {
    /// The composed (NFC) form. Vietnamese arrives composed or decomposed depending on the
    /// keyboard tool; everything is stored, compared and searched in NFC.
    public var nfc: String { precomposedStringWithCanonicalMapping }

    /// Whether the text is already NFC (what the hub requires of what nodes send). Compared
    /// scalar by scalar: Swift's `==` treats canonically equivalent strings as equal.
    ///
    /// Text made only of scalars below U+0300 (Latin with Latin-1 and Extended-A/B, where đ, ă,
    /// ơ, ư live) and of Latin Extended Additional (U+1E00–U+1EFF: ạ, ấ, ữ…) is NFC by
    /// construction, which is nearly all Vietnamese; only the rest pays for normalising. The
    /// hub asks this of every text a node sends, so the common case reads UTF-8 bytes: below
    /// 0xCC a byte is ASCII, a continuation, or leads a scalar below U+0300; U+1E00–U+1EFF are
    /// the three-byte sequences E1 B8…BB.
    public var isNFC: Bool {
        var bytes = utf8.makeIterator()
        while let byte = bytes.next() {
            if byte < 0xCC { continue }
            if byte == 0xE1, let second = bytes.next(), (0xB8...0xBB).contains(second) { continue }
            return unicodeScalars.elementsEqual(nfc.unicodeScalars)
        }
        return true
    }

    /// Whether the text holds a control character other than tab, line feed and carriage
    /// return. Such characters have no place in a note or a name, and SQLite's C strings end
    /// at the first NUL, so one would cut the stored text short without saying so. C0 and DEL
    /// are single bytes that no multi-byte sequence contains, and C1 is C2 followed by 80–9F
    /// (C2 is only ever a lead byte), so bytes suffice.
    public var hasControlCharacters: Bool {
        var previous: UInt8 = 0
        return utf8.contains { byte in
            defer { previous = byte }
            // C0 but tab and line breaks, DEL, and C1 (U+0080–U+009F, encoded C2 80–C2 9F).
            return (byte < 0x20 && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r"))
                || byte == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(byte))
        }
    }

    /// NFC with surrounding white space removed: how free text typed by a person is stored.
    public var cleanedInput: String { trimmingCharacters(in: .whitespacesAndNewlines).nfc }
}
