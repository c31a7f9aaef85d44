/// Appending a sheet's markup as bytes. A million-row sheet appends some fifty million pieces
/// of markup and numbers; through `String.utf8`, each went the generic way of copying a
/// string's contents, a tenth of the workbook's time (`perf record`). Static text is copied
/// from its bytes, and numbers are written digit by digit.
extension Array<UInt8> {
    @inline(__always)
    mutating func append(markup: StaticString) {
        markup.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// A number in decimal: a row's, a style's, a shared string's, a stamp's.
    mutating func append<Integer: BinaryInteger>(decimal value: Integer) {
        if value < 0 { append(UInt8(ascii: "-")) }
        // A 64-bit magnitude has at most 20 digits.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = UInt64(truncatingIfNeeded: value.magnitude), start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}
