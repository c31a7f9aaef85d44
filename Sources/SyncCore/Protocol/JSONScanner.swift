/// A strict JSON reader over bytes in place, for the sync messages' hand-written decoding
/// (`SyncWireCoding.swift`).
///
/// Foundation's `JSONDecoder` builds a tree of every value, then walks it through `Codable`'s
/// boxed containers; decoding a request of 50 changes cost the hub more than merging them
/// (`perf record`, see `Benchmarks/README.md`). This reads each value where it lies, in one
/// pass, and makes no Swift value of what it skips. It accepts RFC 8259 JSON only: no comments,
/// no trailing commas (which `JSONDecoder` lets through), no control characters in strings,
/// valid UTF-8 and surrogate pairs.
struct JSONScanner {
    /// Why a body was refused, with the byte offset, for the 400 answer.
    struct Failure: Error {
        var message: String
    }

    /// Values nested deeper than this inside a skipped value are refused, so a hostile body
    /// of brackets cannot exhaust the stack.
    static let maxSkipDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0
    /// Where `bytes` start in the whole body, for the offsets in messages.
    private let base: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        base = 0
    }

    /// A scanner over part of what `other` reads (a value it skipped, to read it later).
    init(slice: Range<Int>, of other: JSONScanner) {
        bytes = UnsafeRawBufferPointer(rebasing: other.bytes[slice])
        base = other.base + slice.lowerBound
    }

    // MARK: Structure

    /// Reads an object, calling `member` with each key; `member` must read or skip the value.
    /// A key given twice is refused: readers disagree on which one counts (this scanner would
    /// keep the last, `JSONDecoder` the first), so a body that says two things means neither.
    mutating func object(_ member: (inout JSONScanner, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            offset += 1
            return
        }
        var keys: Set<String> = []
        while true {
            let key = try string()
            guard keys.insert(key).inserted else { throw failure("the key \"\(key)\" is given twice") }
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
            switch try next() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return
            default: throw failure("expected ',' or '}' in an object")
            }
        }
    }

    /// Reads an array, calling `element` once per element; `element` must read the value.
    mutating func array(_ element: (inout JSONScanner) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            offset += 1
            return
        }
        while true {
            try element(&self)
            switch try next() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "]"): return
            default: throw failure("expected ',' or ']' in an array")
            }
        }
    }

    /// Skips any value, checking its syntax.
    mutating func skipValue(depth: Int = 0) throws {
        guard depth < Self.maxSkipDepth else { throw failure("JSON nested too deeply") }
        switch try peek() {
        case UInt8(ascii: "{"): try object { scanner, _ in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["): try array { scanner in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): _ = try stringBytes()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
        case UInt8(ascii: "n"): try null()
        default: _ = try number()
        }
    }

    /// Checks that nothing but white space follows the top-level value.
    mutating func end() throws {
        skipWhitespace()
        guard offset == bytes.count else { throw failure("unexpected data after the JSON value") }
    }

    /// The next byte that is not white space, without consuming it.
    mutating func peek() throws -> UInt8 {
        skipWhitespace()
        guard offset < bytes.count else { throw failure("unexpected end of the JSON") }
        return bytes[offset]
    }

    // MARK: Scalars

    mutating func string() throws -> String {
        let (range, escaped) = try stringBytes()
        let raw = UnsafeRawBufferPointer(rebasing: bytes[range])
        if !escaped {
            guard let text = String(validating: raw, as: UTF8.self) else { throw failure("a string is not valid UTF-8") }
            return text
        }
        return try unescape(raw)
    }

    mutating func int64() throws -> Int64 {
        let (value, isInteger) = try number()
        guard isInteger, let integer = value.integer else { throw failure("expected an integer") }
        return integer
    }

    mutating func bool() throws -> Bool {
        if try literal("true") { return true }
        if try literal("false") { return false }
        throw failure("expected true or false")
    }

    /// Reads `null` when it comes next; false (nothing consumed) otherwise.
    mutating func nullIfPresent() throws -> Bool {
        try literal("null")
    }

    mutating func null() throws {
        guard try literal("null") else { throw failure("expected null") }
    }

    /// A number as its integer value when it is an integer literal that fits, else as a Double.
    enum Number {
        case integer(Int64)
        case double(Double)

        var integer: Int64? {
            if case .integer(let value) = self { return value }
            return nil
        }
    }

    /// Reads a number; `isInteger` when it has neither fraction nor exponent.
    mutating func number() throws -> (value: Number, isInteger: Bool) {
        skipWhitespace()
        let start = offset
        var isInteger = true
        if offset < bytes.count && bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        guard offset < bytes.count, isDigit(bytes[offset]) else { throw failure("expected a value") }
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
        } else {
            skipDigits()
        }
        if offset < bytes.count && bytes[offset] == UInt8(ascii: ".") {
            isInteger = false
            offset += 1
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw failure("expected a digit after '.'") }
            skipDigits()
        }
        if offset < bytes.count && (bytes[offset] | 0x20) == UInt8(ascii: "e") {
            isInteger = false
            offset += 1
            if offset < bytes.count && (bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-")) { offset += 1 }
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw failure("expected a digit in an exponent") }
            skipDigits()
        }
        let literal = UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
        if isInteger, let integer = Self.integer(literal) { return (.integer(integer), true) }
        if !isInteger, let integer = Self.exactInteger(literal) { return (.integer(integer), false) }
        guard let double = Double(String(decoding: literal, as: UTF8.self)), double.isFinite else {
            throw failure("a number is out of range")
        }
        return (.double(double), isInteger)
    }

    /// The integer a literal with a fraction or an exponent stands for (`12.0`, `1.5e1`, `1e3`)
    /// when it is integral and fits, read from its digits: through `Double` an integer past
    /// 2^53 would come out as a neighbour (`9007199254740993.0` as …992).
    static func exactInteger(_ literal: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        let negative = literal.first == UInt8(ascii: "-")
        if negative { index = 1 }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var inFraction = false
        while index < literal.count, literal[index] != UInt8(ascii: "e"), literal[index] != UInt8(ascii: "E") {
            if literal[index] == UInt8(ascii: ".") {
                inFraction = true
            } else {
                digits.append(literal[index])
                if inFraction { fractionDigits += 1 }
            }
            index += 1
        }
        var exponent = 0
        if index < literal.count {
            index += 1
            let negativeExponent = literal[index] == UInt8(ascii: "-")
            if literal[index] == UInt8(ascii: "-") || literal[index] == UInt8(ascii: "+") { index += 1 }
            // Past four digits the value is 0 or out of range, which `Double` settles as well.
            guard literal.count - index <= 4 else { return nil }
            while index < literal.count {
                exponent = exponent * 10 + Int(literal[index] - UInt8(ascii: "0"))
                index += 1
            }
            if negativeExponent { exponent = -exponent }
        }
        let scale = exponent - fractionDigits
        if scale >= 0 {
            guard scale <= 19 else { return nil }
            digits += repeatElement(UInt8(ascii: "0"), count: scale)
        } else {
            guard -scale <= digits.count, digits.suffix(-scale).allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
            digits.removeLast(-scale)
        }
        guard !digits.isEmpty else { return 0 }
        return Int64((negative ? "-" : "") + String(decoding: digits, as: UTF8.self))
    }

    // MARK: Helpers

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    private mutating func next() throws -> UInt8 {
        let byte = try peek()
        offset += 1
        return byte
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard try next() == byte else { throw failure("expected '\(Character(Unicode.Scalar(byte)))'") }
    }

    private mutating func literal(_ word: StaticString) throws -> Bool {
        skipWhitespace()
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return false }
        for index in 0..<count where bytes[offset + index] != word.utf8Start[index] { return false }
        offset += count
        return true
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private mutating func skipDigits() {
        while offset < bytes.count && isDigit(bytes[offset]) { offset += 1 }
    }

    /// An integer literal's value, or nil when it does not fit in Int64.
    private static func integer(_ literal: UnsafeRawBufferPointer) -> Int64? {
        let negative = literal.first == UInt8(ascii: "-")
        var magnitude: UInt64 = 0
        for byte in literal.dropFirst(negative ? 1 : 0) {
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            magnitude = sum
        }
        if negative {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// The bytes between a string's quotes, and whether they hold escapes.
    private mutating func stringBytes() throws -> (range: Range<Int>, escaped: Bool) {
        try expect(UInt8(ascii: "\""))
        let start = offset
        var escaped = false
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                return (start..<offset - 1, escaped)
            case UInt8(ascii: "\\"):
                escaped = true
                offset += 2
            case ..<0x20:
                throw failure("a control character in a string must be escaped")
            default:
                offset += 1
            }
        }
        throw failure("a string is not terminated")
    }

    private func unescape(_ raw: UnsafeRawBufferPointer) throws -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(raw.count)
        var index = 0
        func hex4() throws -> UInt32 {
            guard index + 4 <= raw.count else { throw failure("a \\u escape needs four hex digits") }
            var value: UInt32 = 0
            for byte in raw[index..<index + 4] {
                guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { throw failure("a \\u escape needs four hex digits") }
                value = value << 4 | UInt32(digit)
            }
            index += 4
            return value
        }
        while index < raw.count {
            let byte = raw[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                continue
            }
            guard index < raw.count else { throw failure("a string ends inside an escape") }
            let escape = raw[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code) {
                    guard index + 2 <= raw.count, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u") else {
                        throw failure("a lone surrogate in a \\u escape")
                    }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw failure("a lone surrogate in a \\u escape") }
                    code = 0x10000 + (code - 0xD800) << 10 + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw failure("a lone surrogate in a \\u escape") }
                utf8.append(contentsOf: UTF8.encode(scalar)!)
            default:
                throw failure("an unknown escape in a string")
            }
        }
        guard let text = String(validating: utf8, as: UTF8.self) else { throw failure("a string is not valid UTF-8") }
        return text
    }

    func failure(_ message: String) -> Failure {
        Failure(message: "\(message) at byte \(base + offset)")
    }
}
