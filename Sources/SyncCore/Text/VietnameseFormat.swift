import Foundation

/// How numbers, money and times read in Vietnamese reports: `1.234.000 đ`, `dd/MM/yyyy`.
public enum VietnameseFormat {
    /// Digits grouped by thousands with dots: 1234000 → "1.234.000".
    public static func number(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(".") }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    public static func money(_ value: Int64) -> String {
        number(value) + " đ"
    }

    /// A file size as officers read it: "850 KB", "12,4 MB" (decimal comma, units of 1024).
    public static func bytes(_ value: Int64) -> String {
        if value < 1024 { return "\(value) byte" }
        if value < 1 << 20 { return "\((value + 512) / 1024) KB" }
        let megabytes = Double(value) / Double(1 << 20)
        let text = megabytes >= 100 || megabytes == megabytes.rounded() ? "\(Int(megabytes.rounded()))" : String(format: "%.1f", megabytes)
        return text.replacingOccurrences(of: ".", with: ",") + " MB"
    }

    /// A moment as `dd/MM/yyyy HH:mm` (or `HH:mm:ss`) in Vietnam's time.
    public static func dateTime(millis: Int64, seconds: Bool = false) -> String {
        CivilTime(millis: millis, offsetMillis: CivilTime.vietnamOffsetMillis).vietnamese(seconds: seconds)
    }

    /// `dateTime(millis:seconds:)`'s UTF-8, handed to `body` without a string made: an export
    /// writes a million of them.
    public static func dateTime<Result>(millis: Int64, seconds: Bool = false, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        CivilTime(millis: millis, offsetMillis: CivilTime.vietnamOffsetMillis).vietnamese(seconds: seconds, body)
    }

    /// A stored ISO 8601 moment (an attachment's, a proposal's) as `dd/MM/yyyy HH:mm`; other text unchanged.
    public static func dateTime(iso: String) -> String {
        CivilTime.millis(iso: iso).map { dateTime(millis: $0) } ?? iso
    }

    /// A stored `yyyy-MM-dd` as `dd/MM/yyyy`; other text unchanged.
    public static func day(_ stored: String?) -> String {
        guard let stored else { return "—" }
        return CalendarDay(stored)?.vietnamese ?? stored
    }

    /// A clock offset in words, e.g. "nhanh 3 năm" / "chậm 5 phút".
    public static func offset(millis: Int64) -> String {
        let seconds = abs(millis) / 1000
        let amount: String
        switch seconds {
        case ..<60: amount = "\(seconds) giây"
        case ..<3600: amount = "\(seconds / 60) phút"
        case ..<86_400: amount = "\(seconds / 3600) giờ"
        case ..<(86_400 * 365): amount = "\(seconds / 86_400) ngày"
        default: amount = "\(seconds / (86_400 * 365)) năm"
        }
        // The offset is hub minus PC: positive means the PC's clock is behind.
        return millis > 0 ? "chậm \(amount)" : "nhanh \(amount)"
    }
}
