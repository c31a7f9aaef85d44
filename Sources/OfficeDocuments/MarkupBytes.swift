import Foundation

/// Where a sheet's markup is appended as bytes: an array, or a streamed sheet's `MarkupBuffer`.
/// A million-row sheet appends some fifty million pieces of markup, text and numbers; through
/// `String.utf8`, each went the generic way of copying a string's contents, a tenth of the
/// workbook's time (`perf record`). Static text is copied from its bytes, and numbers are
/// written digit by digit.
protocol MarkupOutput {
    mutating func append(bytes: UnsafeBufferPointer<UInt8>)
}

extension MarkupOutput {
    @inline(__always)
    mutating func append(markup: StaticString) {
        markup.withUTF8Buffer { append(bytes: $0) }
    }

    mutating func append(text: String) {
        var text = text
        text.withUTF8 { append(bytes: $0) }
    }

    /// A number in decimal: a row's, a style's, a shared string's, a stamp's.
    mutating func append<Integer: BinaryInteger>(decimal value: Integer) {
        // A sign and a 64-bit magnitude's at most 20 digits.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 21) { digits in
            var magnitude = UInt64(truncatingIfNeeded: value.magnitude), start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                digits[start] = UInt8(ascii: "-")
            }
            append(bytes: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}

extension Array: MarkupOutput where Element == UInt8 {
    mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        append(contentsOf: bytes)
    }
}

/// A streamed sheet's run of rows while one core writes it: bytes copied in through a raw
/// pointer. `Array.append(contentsOf:)` took its generic way for each small piece, a tenth of
/// the workbook's time again once the strings were gone (`perf record`). Its memory is freed
/// by `deallocate()`, once, by whoever made it.
struct MarkupBuffer: MarkupOutput {
    private var start: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        start = .allocate(capacity: self.capacity)
    }

    /// The bytes written.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }

    @inline(__always)
    mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        (start + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func removeLast(_ length: Int) {
        count -= length
    }

    /// `bytes` put in at `index`, the bytes after it moved on.
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) {
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        memmove(start + index + bytes.count, start + index, count - index)
        (start + index).update(from: bytes.baseAddress!, count: bytes.count)
        count += bytes.count
    }

    func deallocate() {
        start.deallocate()
    }

    private mutating func grow(to needed: Int) {
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: max(needed, capacity * 2))
        larger.initialize(from: start, count: count)
        start.deallocate()
        start = larger
        capacity = max(needed, capacity * 2)
    }
}
