/// A task's deadline as every screen and report reads it, so "late" (quá hạn) means the same
/// on the officer's screen, in `commune-agent tasks` and on the district's dashboard.
public struct Deadline: Sendable, Hashable {
    public let day: CalendarDay

    /// nil for a task without a deadline, or with one that is not `yyyy-MM-dd`.
    public init?(_ text: String?) {
        guard let day = text.flatMap(CalendarDay.init) else { return nil }
        self.day = day
    }

    /// Days from `today` to the deadline: 0 on the day itself, negative once it has passed.
    public func daysLeft(from today: CalendarDay) -> Int {
        today.days(until: day)
    }

    /// A task is late for a commune when its deadline has passed and the commune is not done.
    public func isLate(_ status: ProgressStatus, today: CalendarDay) -> Bool {
        status != .done && day < today
    }
}
