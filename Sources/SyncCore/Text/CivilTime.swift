/// A moment's calendar date and time of day at a fixed offset from UTC, by arithmetic: the
/// audit's exports format millions of receive times, and a Foundation formatter built per row
/// cost two thirds of an export's time. Vietnam has kept UTC+7 without daylight saving since
/// 1975, so its time needs no time zone database.
struct CivilTime {
    var year: Int, month: Int, day: Int
    var hour: Int, minute: Int, second: Int, millisecond: Int

    static let vietnamOffsetMillis: Int64 = 7 * 3_600_000

    init(millis: Int64, offsetMillis: Int64 = 0) {
        let local = millis + offsetMillis
        let (days, inDay) = (local.floorDivided(by: 86_400_000), local.floorModulo(86_400_000))
        // Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `civil_from_days`).
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        hour = Int(inDay / 3_600_000)
        minute = Int(inDay / 60_000 % 60)
        second = Int(inDay / 1000 % 60)
        millisecond = Int(inDay % 1000)
    }

    /// The moment an ISO 8601 internet date-time names: `2026-12-03T13:34:45Z`, with or without
    /// fractional seconds, in UTC or at an offset (`+07:00`); nil for anything else. Stored
    /// moments (a file's, a proposal's) are read back this way for every row of an export.
    static func millis(iso text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes -> Int64? in
            var position = 0
            func number(_ width: Int) -> Int64? {
                guard position + width <= bytes.count else { return nil }
                var value: Int64 = 0
                for byte in bytes[position..<position + width] {
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                    value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                }
                position += width
                return value
            }
            func expect(_ character: Unicode.Scalar) -> Bool {
                guard position < bytes.count, bytes[position] == UInt8(character.value) else { return false }
                position += 1
                return true
            }
            guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2), expect("T"),
                  let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2),
                  (1...12).contains(month), (1...daysIn(month: month, of: year)).contains(day), hour < 24, minute < 60, second < 60
            else { return nil }
            var millisecond: Int64 = 0
            if expect(".") {
                var scale: Int64 = 100, digits = 0
                while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                    millisecond += Int64(bytes[position] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    digits += 1
                    position += 1
                }
                guard digits > 0 else { return nil }
            }
            var offset: Int64 = 0
            if !expect("Z") {
                guard position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") else { return nil }
                let sign: Int64 = bytes[position] == UInt8(ascii: "-") ? -1 : 1
                position += 1
                guard let hours = number(2), expect(":"), let minutes = number(2), hours < 24, minutes < 60 else { return nil }
                offset = sign * (hours * 3_600_000 + minutes * 60_000)
            }
            guard position == bytes.count else { return nil }
            let days = daysSinceEpoch(year: year, month: month, day: day)
            return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + millisecond - offset
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    private static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear.floorDivided(by: 400)
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int64, of year: Int64) -> Int64 {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `2026-12-03T13:34:45.785Z` (UTC).
    var iso8601: String {
        Self.ascii { out in
            out.number(year, 4); out.byte("-"); out.number(month, 2); out.byte("-"); out.number(day, 2); out.byte("T")
            out.number(hour, 2); out.byte(":"); out.number(minute, 2); out.byte(":"); out.number(second, 2); out.byte(".")
            out.number(millisecond, 3); out.byte("Z")
        }
    }

    /// `03/12/2026 20:34` or, with seconds, `03/12/2026 20:34:45`.
    func vietnamese(seconds: Bool) -> String {
        Self.ascii { vietnamese(seconds: seconds, into: &$0) }
    }

    /// `vietnamese(seconds:)`'s bytes, handed to `body` without a string made of them.
    func vietnamese<Result>(seconds: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        Self.ascii({ vietnamese(seconds: seconds, into: &$0) }, body)
    }

    private func vietnamese(seconds: Bool, into out: inout Writer) {
        out.number(day, 2); out.byte("/"); out.number(month, 2); out.byte("/"); out.number(year, 4); out.byte(" ")
        out.number(hour, 2); out.byte(":"); out.number(minute, 2)
        if seconds { out.byte(":"); out.number(second, 2) }
    }

    /// A short ASCII text written into a buffer on the stack, made a string once.
    struct Writer {
        fileprivate var buffer: UnsafeMutableBufferPointer<UInt8>
        fileprivate var count = 0

        mutating func byte(_ character: Unicode.Scalar) {
            buffer[count] = UInt8(character.value)
            count += 1
        }

        /// Zero-padded to `width`; a number wider keeps all its digits.
        mutating func number(_ value: Int, _ width: Int) {
            if value < 0 { byte("-") }
            var magnitude = value.magnitude, digits = 1
            while magnitude >= 10 { magnitude /= 10; digits += 1 }
            let total = max(width, digits)
            var rest = value.magnitude
            for position in stride(from: count + total - 1, through: count, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            count += total
        }
    }

    static func ascii(_ write: (inout Writer) -> Void) -> String {
        ascii(write) { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes `write` writes, handed to `body`.
    static func ascii<Result>(_ write: (inout Writer) -> Void, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            var writer = Writer(buffer: buffer)
            write(&writer)
            return body(UnsafeBufferPointer(rebasing: buffer[..<writer.count]))
        }
    }
}

private extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    func floorModulo(_ divisor: Int64) -> Int64 {
        self - floorDivided(by: divisor) * divisor
    }
}
