import Foundation

/// The yearly plans tasks belong to: the notice is for "năm 2023 và các năm tiếp theo".
public enum TaskPlans {
    /// The years that have tasks, newest first.
    public static func years(_ plans: some Sequence<Int?>) -> [Int] {
        Set(plans.compactMap { $0 }).sorted(by: >)
    }

    /// The plan a screen shows: the one asked for, else this year's, else the newest.
    public static func shown(_ years: [Int], asked: Int?, today: CalendarDay) -> Int? {
        if let asked, years.contains(asked) { return asked }
        return years.contains(today.year) ? today.year : years.first
    }

    /// A task's id in another year's plan: its number, then the year (`4.1` → `4.1-2026`;
    /// `4.1-2025` → `4.1-2026`), so people still read the notice's numbering.
    public static func id(_ id: String, in year: Int) -> String {
        var base = Substring(id)
        if let dash = base.lastIndex(of: "-"), let suffix = Int(base[base.index(after: dash)...]), Identifiers.isYear(suffix) {
            base = base[..<dash]
        }
        return "\(base)-\(year)"
    }

    /// A task's number as a report for `year`'s plan prints it: the notice's numbering, without
    /// the year its id carries when it is that plan's (`4.1-2026` → `4.1` in 2026's report).
    public static func number(_ id: String, in year: Int) -> String {
        id.hasSuffix("-\(year)") ? String(id.dropLast("-\(year)".count)) : id
    }
}

/// What copying a plan did.
public struct PlanCopy: Sendable, Equatable {
    /// Tasks created in the new plan.
    public var copied: [String]
    /// Tasks the new plan had already (a copy run again changes nothing).
    public var existing: [String]
}

extension HubStore {
    /// Copies a year's tasks into another year's plan: new ids (`TaskPlans.id`), the same
    /// titles, sources, assignments, offices and index, and the deadlines moved by the years
    /// between (`shiftDeadlines`) or left out for the district to set. Sent to the communes at
    /// their next sync like any task.
    public func copyPlan(from: Int, to: Int, shiftDeadlines: Bool, planSource: String?, actor: String) async throws -> PlanCopy {
        guard Identifiers.isYear(from), Identifiers.isYear(to), from != to else {
            throw SyncError(.invalidInput, "--from and --to must be two different years")
        }
        let tasks = try await self.tasks()
        let source = tasks.filter { $0.plan == from }
        guard !source.isEmpty else { throw SyncError(.invalidInput, "the \(from) plan has no tasks") }
        let existing = Set(tasks.map(\.id))
        var result = PlanCopy(copied: [], existing: [])
        var writes: [FieldWrite] = []
        for task in source {
            let id = TaskPlans.id(task.id, in: to)
            guard !existing.contains(id) else {
                result.existing.append(id)
                continue
            }
            let deadline = shiftDeadlines ? task.deadline.flatMap(CalendarDay.init).flatMap { $0.addingYears(to - from) }?.description : nil
            var entry = TaskCatalog.Entry(id: id, title: task.title, source: task.source, deadline: deadline, communes: task.assignment,
                                          offices: task.offices, index: task.index, detail: task.detail)
            entry.plan = to
            entry.planSource = planSource ?? task.planSource
            writes += try entry.writes()
            result.copied.append(id)
        }
        try await recordDistrict(writes, actor: actor)
        return result
    }
}
