import Foundation

extension String {
    /// The composed (NFC) form. Vietnamese arrives composed or decomposed depending on the
    /// keyboard tool; everything is stored, compared and searched in NFC.
    public var nfc: String { precomposedStringWithCanonicalMapping }

    /// Whether the text is already NFC (what the hub requires of what nodes send). Compared
    /// scalar by scalar: Swift's `==` treats canonically equivalent strings as equal.
    public var isNFC: Bool { unicodeScalars.elementsEqual(nfc.unicodeScalars) }

    /// NFC with surrounding white space removed: how free text typed by a person is stored.
    public var cleanedInput: String { trimmingCharacters(in: .whitespacesAndNewlines).nfc }
}
