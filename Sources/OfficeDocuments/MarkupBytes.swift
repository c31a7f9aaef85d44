/// Appending a sheet's markup as bytes. A million-row sheet appends some fifty million pieces
/// of markup and numbers; through `String.utf8`, each went the generic way of copying a
/// string's contents, a tenth of the workbook's time (`perf record`). Static text is copied
/// from its bytes, and numbers are written digit by digit.
extension Array<UInt8> {
    @inline(__always)
    mutating func append(markup: StaticString) {
        markup.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// A row's number, a style's or a shared string's (never negative), in decimal.
    mutating func append(decimal value: Int) {
        // Int's magnitude has at most 19 digits.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = value.magnitude, start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}
