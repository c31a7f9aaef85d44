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
    /// construction, which is nearly all Vietnamese; only the rest pays for normalising.
    public var isNFC: Bool {
        if unicodeScalars.allSatisfy({ $0.value < 0x300 || (0x1E00...0x1EFF).contains($0.value) }) { return true }
        return unicodeScalars.elementsEqual(nfc.unicodeScalars)
    }

    /// Whether the text holds a control character other than tab, line feed and carriage
    /// return. Such characters have no place in a note or a name, and SQLite's C strings end
    /// at the first NUL, so one would cut the stored text short without saying so.
    public var hasControlCharacters: Bool {
        unicodeScalars.contains { scalar in
            (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || scalar.value == 0x7F
        }
    }

    /// NFC with surrounding white space removed: how free text typed by a person is stored.
    public var cleanedInput: String { trimmingCharacters(in: .whitespacesAndNewlines).nfc }
}
