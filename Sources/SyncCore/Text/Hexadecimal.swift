import Foundation

extension Sequence<UInt8> {
    /// Lowercase hexadecimal, two digits a byte: how node ids, tokens and file digests are written.
    var hexadecimal: String {
        map { String(format: "%02x", $0) }.joined()
    }
}
