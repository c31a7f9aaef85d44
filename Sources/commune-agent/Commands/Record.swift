import ArgumentParser
import CLISupport
import SyncCore

struct Progress: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report progress on a task (stored at once, sent at the next sync).")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The task id, e.g. 4.1 (see `commune-agent tasks`).")
    var task: String

    @Option(help: "not_started | in_progress | done | blocked")
    var status: String

    // Unconditional parsing, so "--percent -1" reaches validation instead of reading as a flag.
    @Option(parsing: .unconditional, help: "Percent done, 0–100 (done means 100).")
    var percent: Int?

    @Option(help: "A note: what was done, or what blocks it.")
    var note: String?

    @Option(help: "Evidence, e.g. \"Quyết định số 45/QĐ-UBND\".")
    var evidence: String?

    @Option(help: "Who reports (full name).")
    var by: String

    func run() async throws {
        try await reportingErrors {
            let store = try store.existing(AgentStore.self)
            let identity = try await store.agentIdentity()
            let task = task.cleanedInput
            let known = try await store.agentTasks(commune: identity.commune).contains { $0.id == task }
            guard known else {
                throw SyncError(.unknownTask, "Không có nhiệm vụ \"\(task)\" giao cho xã \(identity.commune). Xem `commune-agent tasks`; chạy `commune-agent sync` để nhận nhiệm vụ mới.")
            }
            let report = ProgressReport(task: task, status: try ProgressReport.status(from: status), percent: percent,
                                        note: note, evidence: evidence, by: by)
            try await store.record(actor: by.cleanedInput, node: identity.node) { current in
                try report.writes(commune: identity.commune, current: current(.progress, "\(identity.commune)/\(task)"))
            }
            print("Đã ghi tiến độ nhiệm vụ \(task): \(report.status.label); sẽ gửi lên huyện khi đồng bộ.")
        }
    }
}

struct Equipment: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record an equipment check: computer, printer, scanner (counts, cost) or internet (state).")

    @OptionGroup var store: StoreOptions

    @Argument(help: "computer | printer | scanner | internet")
    var kind: String

    @Option(parsing: .unconditional, help: "Devices in total.") var total: Int?
    @Option(parsing: .unconditional, help: "Devices working.") var working: Int?
    @Option(parsing: .unconditional, help: "Devices broken.") var broken: Int?
    @Option(parsing: .unconditional, help: "Devices still needed.") var needed: Int?
    @Option(parsing: .unconditional, help: "Estimated cost of what is needed, in VND.") var cost: Int64?
    @Option(help: "Internet line: ok | unstable | down") var state: String?
    @Option(help: "Internet provider, e.g. VNPT.") var provider: String?
    @Option(parsing: .unconditional, help: "Internet bandwidth in Mbps.") var mbps: Double?
    @Option(help: "A note.") var note: String?
    @Option(help: "Day of the check, yyyy-MM-dd (default: today).") var date: String?
    @Option(help: "Who checked (full name).") var by: String

    func run() async throws {
        try await reportingErrors {
            let store = try store.existing(AgentStore.self)
            let identity = try await store.agentIdentity()
            let kind = try EquipmentCheck.kind(from: kind)
            var checkedOn: CalendarDay?
            if let date {
                guard let day = CalendarDay(date) else {
                    throw SyncError(.invalidInput, "Ngày kiểm tra phải viết theo dạng năm-tháng-ngày, ví dụ 2023-04-30, không phải \"\(date)\".")
                }
                checkedOn = day
            }
            let check = EquipmentCheck(
                kind: kind, total: total, working: working, broken: broken, needed: needed, cost: cost,
                state: try state.map(EquipmentCheck.state(from:)), provider: provider, mbps: mbps, note: note,
                checkedOn: checkedOn, by: by)
            let today = try await store.today()
            try await store.record(actor: by.cleanedInput, node: identity.node) { current in
                try check.writes(commune: identity.commune, current: current(.equipment, "\(identity.commune)/\(kind.rawValue)"), today: today)
            }
            print("Đã ghi kết quả kiểm tra \(kind.lowercasedFirstWord); sẽ gửi lên huyện khi đồng bộ.")
        }
    }
}
