import Foundation
import GRDB

extension ReplicaStore {
    /// A random 256-bit key kept in `meta` under `name`, made on first use: what a screen signs
    /// its tokens with, so they stay valid across restarts of the daemon and are worthless
    /// to anyone without the store.
    public func secret(named name: String) async throws -> [UInt8] {
        try await write { [self] db in
            if let hex = try meta(name, db), let bytes = [UInt8](hex: hex), bytes.count == 32 { return bytes }
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            try setMeta(name, bytes.map { String(format: "%02x", $0) }.joined(), db)
            return bytes
        }
    }
}

extension [UInt8] {
    /// Bytes from lowercase or uppercase hexadecimal, or nil if the text is not that.
    init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self = bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
