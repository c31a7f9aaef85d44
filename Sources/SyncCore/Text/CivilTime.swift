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
        Self.ascii { out in
            out.number(day, 2); out.byte("/"); out.number(month, 2); out.byte("/"); out.number(year, 4); out.byte(" ")
            out.number(hour, 2); out.byte(":"); out.number(minute, 2)
            if seconds { out.byte(":"); out.number(second, 2) }
        }
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

    static func ascii(_ body: (inout Writer) -> Void) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            var writer = Writer(buffer: buffer)
            body(&writer)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<writer.count]), as: UTF8.self)
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
