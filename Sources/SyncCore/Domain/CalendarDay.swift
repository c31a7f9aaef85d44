import Foundation

/// A calendar date as the notice writes deadlines: a day in Asia/Ho_Chi_Minh, stored as
/// `yyyy-MM-dd` and shown as `dd/MM/yyyy`.
public struct CalendarDay: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Vietnam has kept UTC+7 without daylight saving since 1975.
    public static let timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600)!

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= Self.days(inMonth: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The same day `years` later (or earlier); 29 February becomes the 28th in a common year.
    public func addingYears(_ years: Int) -> CalendarDay? {
        let year = year + years
        let text = String(format: "%04d-%02d-%02d", year, month, min(day, Self.days(inMonth: month, year: year)))
        return CalendarDay(text)
    }

    /// The day in Vietnam at the given instant (milliseconds since the epoch).
    public init(millis: Int64) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.timeZone
        let parts = calendar.dateComponents(
            [.year, .month, .day], from: Date(timeIntervalSince1970: Double(millis) / 1000))
        year = parts.year!
        month = parts.month!
        day = parts.day!
    }

    /// Midnight at the start of this day in Vietnam, in milliseconds since the epoch.
    public var startMillis: Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.timeZone
        let date = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        return Int64(date.timeIntervalSince1970 * 1000)
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Days from `self` to `other` (negative when `other` is earlier).
    public func days(until other: CalendarDay) -> Int {
        other.julianDay - julianDay
    }

    /// `yyyy-MM-dd`, the stored form.
    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// `dd/MM/yyyy`, the form Vietnamese readers expect.
    public var vietnamese: String {
        String(format: "%02d/%02d/%04d", day, month, year)
    }

    private var julianDay: Int {
        // Fliegel–Van Flandern: whole-day arithmetic without calendars or time zones.
        let a = (14 - month) / 12
        let y = year + 4800 - a
        let m = month + 12 * a - 3
        return day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
    }

    public static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
