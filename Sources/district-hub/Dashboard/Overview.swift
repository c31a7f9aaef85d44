import Foundation
import SyncCore

/// The matrix of communes × tasks the Interior Office reviews, filtered by task, index and
/// status; the same rows feed the page and the CSV export.
struct Overview {
    var today: CalendarDay
    /// The plans' years, newest first, and the one shown.
    var years: [Int]
    var year: Int?
    /// Every task of the plan assigned to communes, for the filter's list.
    var allTasks: [TaskInfo]
    var tasks: [TaskInfo]
    var communes: [CommuneStatus]
    var cells: [String: [String: DashboardPages.Cell]] = [:]
    var doneByTask: [String: Int] = [:]
    var doneByCommune: [String: Int] = [:]
    /// The district offices' own tasks of the plan, one row per task and office.
    var officeRows: [OfficeRow] = []

    struct OfficeRow {
        var task: TaskInfo
        var office: String
        var cell: DashboardPages.Cell
        /// The office's report: status, percent, note, evidence, by.
        var report: [String: FieldValue]
        var by: String? { report["by"]?.text }
    }

    /// `year` is the plan asked for; by default this year's, else the newest. Late marks and
    /// counts are the shown plan's.
    init(status: HubStatus, officeReports: [String: [String: FieldValue]], today: CalendarDay, year asked: Int?, task: String?,
         index: String?, statusFilter: String?) {
        self.today = today
        let plan = Self.plan(of: status.tasks, asked: asked, today: today)
        years = plan.years
        let year = plan.year
        self.year = year
        allTasks = plan.tasks
        tasks = allTasks.filter { candidate in
            (task.map { $0.isEmpty || candidate.id == $0 } ?? true)
                && (index.map { $0.isEmpty || (candidate.index ?? "").split(separator: ",").contains(Substring($0)) } ?? true)
        }
        communes = []
        for commune in status.communes.sorted(by: { $0.name.compare($1.name, locale: Locale(identifier: "vi")) == .orderedAscending }) {
            var row: [String: DashboardPages.Cell] = [:]
            for task in tasks where task.assignment.includes(commune.code) {
                let progress = commune.progress[task.id] ?? [:]
                let state = progress["status"]?.text.flatMap(ProgressStatus.init(rawValue:)) ?? .notStarted
                let cell = DashboardPages.Cell(status: state, percent: progress["percent"]?.int,
                                               late: Deadline(task.deadline)?.isLate(state, today: today) ?? false)
                let wanted = statusFilter.map { $0.isEmpty || $0 == state.rawValue || ($0 == "late" && cell.late) } ?? true
                guard wanted else { continue }
                row[task.id] = cell
                if state == .done {
                    doneByTask[task.id, default: 0] += 1
                    doneByCommune[commune.code, default: 0] += 1
                }
            }
            guard !row.isEmpty || (statusFilter ?? "").isEmpty else { continue }
            cells[commune.code] = row
            communes.append(commune)
        }
        let wantedTask = task
        for task in status.tasks where (task.plan == nil || task.plan == year) && (wantedTask.map { $0.isEmpty || task.id == $0 } ?? true) {
            for office in task.offices {
                let report = officeReports["\(OfficeKey.of(office))/\(task.id)"] ?? [:]
                let state = report["status"]?.text.flatMap(ProgressStatus.init(rawValue:)) ?? .notStarted
                let cell = DashboardPages.Cell(status: state, percent: report["percent"]?.int,
                                               late: Deadline(task.deadline)?.isLate(state, today: today) ?? false)
                guard statusFilter.map({ $0.isEmpty || $0 == state.rawValue || ($0 == "late" && cell.late) }) ?? true else { continue }
                officeRows.append(OfficeRow(task: task, office: office, cell: cell, report: report))
            }
        }
    }

    /// The plan the overview shows for `asked` (this year's by default, else the newest): the
    /// plans' years, the one shown, and its tasks assigned to communes, whose progress the
    /// cells need.
    static func plan(of tasks: [TaskInfo], asked: Int?, today: CalendarDay) -> (years: [Int], year: Int?, tasks: [TaskInfo]) {
        let communeTasks = tasks.filter { $0.assignment != .communes([]) }
        let years = TaskPlans.years(communeTasks.map(\.plan))
        let year = TaskPlans.shown(years, asked: asked, today: today)
        return (years, year, communeTasks.filter { $0.plan == nil || $0.plan == year })
    }

    /// The overview's rows for the CSV and Excel exports, a header first.
    func rows() -> [[String]] {
        var lines = [["Mã xã", "Tên xã", "Mã nhiệm vụ", "Nhiệm vụ", "Hạn", "Trạng thái", "Tỷ lệ (%)", "Quá hạn",
                      "Ghi chú", "Minh chứng", "Người báo cáo"]]
        for commune in communes {
            for task in tasks {
                guard let cell = cells[commune.code]?[task.id] else { continue }
                let progress = commune.progress[task.id] ?? [:]
                lines.append([commune.code, commune.name, task.id, task.title, VietnameseFormat.day(task.deadline),
                              cell.status.label, cell.percent.map(String.init) ?? "", cell.late ? "Có" : "",
                              progress["note"]?.text ?? "", progress["evidence"]?.text ?? "", progress["by"]?.text ?? ""])
            }
        }
        // The offices' own tasks after the communes', the office in the commune's columns.
        for row in officeRows {
            lines.append([OfficeKey.of(row.office), row.office, row.task.id, row.task.title, VietnameseFormat.day(row.task.deadline),
                          row.cell.status.label, row.cell.percent.map(String.init) ?? "", row.cell.late ? "Có" : "",
                          row.report["note"]?.text ?? "", row.report["evidence"]?.text ?? "", row.by ?? ""])
        }
        return lines
    }
}
