import SyncCore

/// The span a periodic report covers, as operators name it on the command line: `2026` (the
/// year), `2026-H1` or `2026-H2` (six months), `2026-Q1` … `2026-Q4`, or `2026-11` (a month).
struct ReportPeriod: Equatable, Sendable, CustomStringConvertible {
    enum Kind: Equatable, Sendable {
        case year
        case half(Int)
        case quarter(Int)
        case month(Int)
    }

    let year: Int
    let kind: Kind

    init?(_ text: String) {
        let parts = text.uppercased().split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, first.count == 4, let year = Int(first), Identifiers.isYear(year) else { return nil }
        self.year = year
        switch parts.count {
        case 1:
            kind = .year
        case 2:
            let rest = parts[1]
            if rest.count == 2, rest.first == "H", let half = Int(rest.dropFirst()), (1...2).contains(half) {
                kind = .half(half)
            } else if rest.count == 2, rest.first == "Q", let quarter = Int(rest.dropFirst()), (1...4).contains(quarter) {
                kind = .quarter(quarter)
            } else if rest.count == 2, rest.allSatisfy(\.isNumber), let month = Int(rest), (1...12).contains(month) {
                kind = .month(month)
            } else {
                return nil
            }
        default:
            return nil
        }
    }

    /// The months it covers, first and last.
    private var months: (first: Int, last: Int) {
        switch kind {
        case .year: (1, 12)
        case .half(let half): (half * 6 - 5, half * 6)
        case .quarter(let quarter): (quarter * 3 - 2, quarter * 3)
        case .month(let month): (month, month)
        }
    }

    var first: CalendarDay { CalendarDay(String(format: "%04d-%02d-01", year, months.first))! }

    var last: CalendarDay {
        let month = months.last
        return CalendarDay(String(format: "%04d-%02d-%02d", year, month, CalendarDay.days(inMonth: month, year: year)))!
    }

    /// As a title says it: "quý IV năm 2026", "6 tháng đầu năm 2026", "tháng 11 năm 2026".
    var label: String {
        switch kind {
        case .year: "năm \(year)"
        case .half(let half): "6 tháng \(half == 1 ? "đầu" : "cuối") năm \(year)"
        case .quarter(let quarter): "quý \(["I", "II", "III", "IV"][quarter - 1]) năm \(year)"
        case .month(let month): "tháng \(month) năm \(year)"
        }
    }

    var description: String {
        switch kind {
        case .year: String(year)
        case .half(let half): "\(year)-H\(half)"
        case .quarter(let quarter): "\(year)-Q\(quarter)"
        case .month(let month): String(format: "%04d-%02d", year, month)
        }
    }

    /// The period that holds `day`'s quarter: the dashboard's default.
    static func quarter(of day: CalendarDay) -> ReportPeriod {
        ReportPeriod("\(day.year)-Q\((day.month - 1) / 3 + 1)")!
    }
}
