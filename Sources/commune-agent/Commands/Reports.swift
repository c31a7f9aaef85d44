import ArgumentParser
import CLISupport
import Foundation
import SyncCore

struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "List the tasks assigned to this commune and their progress.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let store = try store.existing(AgentStore.self)
            let identity = try await store.agentIdentity()
            let tasks = try await store.agentTasks(commune: identity.commune)
            if json {
                try printJSON(tasks)
                return
            }
            guard !tasks.isEmpty else {
                print("Chưa có nhiệm vụ nào. Chạy `commune-agent sync` để nhận nhiệm vụ từ huyện.")
                return
            }
            let today = try await store.today()
            for task in tasks {
                let status = ProgressStatus(rawValue: task.status)?.label ?? task.status
                let percent = task.percent.map { " \($0)%" } ?? ""
                var due = "hạn \(VietnameseFormat.day(task.deadline))"
                if let deadline = Deadline(task.deadline), task.status != ProgressStatus.done.rawValue {
                    let days = deadline.daysLeft(from: today)
                    due += days < 0 ? " (quá hạn \(-days) ngày)" : " (còn \(days) ngày)"
                }
                print("\(task.id)  \(task.title)")
                print("      \(status)\(percent) · \(due)")
                if let review = task.review.flatMap(ReviewDecision.init(rawValue:)) {
                    print("      \(review.communeLabel)\(task.reviewNote.map { ": \($0)" } ?? "")")
                }
            }
        }
    }
}

/// What `status --json` prints.
struct AgentStatusReport: Encodable {
    var node: String
    var commune: String
    var hub: String
    var pending: Int
    var rejected: Int
    /// The newest refused writes (at most `StatusCommand.rejectionsShown`), so the operator
    /// sees what to redo: one refusal never holds back the rest.
    var rejections: [Rejected]
    /// ISO 8601, or null before the first successful sync.
    @NullWhenAbsent var lastSync: String?
    @NullWhenAbsent var lastError: String?
    /// Hub clock minus this PC's clock, in ms; null before the first sync.
    @NullWhenAbsent var clockOffsetMs: Int64?
    /// A warning in Vietnamese when the PC's clock is more than a minute off.
    @NullWhenAbsent var clockWarning: String?

    struct Rejected: Encodable {
        var seq: Int64
        var collection: String
        var record: String
        var field: String
        var code: String
        var reason: String
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show this node's sync state: pending changes, last sync, last error, clock offset.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print JSON for scripts.")
    var json = false

    static let rejectionsShown = 20

    func run() async throws {
        try await reportingErrors {
            let store = try store.existing(AgentStore.self)
            let identity = try await store.agentIdentity()
            let state = try await store.agentSyncState()
            var warning: String?
            if let offset = state.clockOffsetMs, ClockWarning.applies(toOffset: offset) {
                warning = "Đồng hồ máy tính \(VietnameseFormat.offset(millis: offset)) so với máy chủ huyện. Hãy chỉnh lại ngày giờ."
            }
            let formatter = ISO8601DateFormatter()
            let refused = try await store.rejectedWrites(limit: Self.rejectionsShown)
            let report = AgentStatusReport(
                node: identity.node, commune: identity.commune, hub: identity.hubURL,
                pending: state.pending, rejected: state.rejected,
                rejections: refused.map {
                    .init(seq: $0.seq, collection: $0.change.collection, record: $0.change.record, field: $0.change.field,
                          code: $0.code, reason: $0.reason)
                },
                lastSync: state.lastSync.map { formatter.string(from: Date(timeIntervalSince1970: Double($0) / 1000)) },
                lastError: state.lastError, clockOffsetMs: state.clockOffsetMs, clockWarning: warning)
            if json {
                try printJSON(report)
                return
            }
            print("Máy: \(report.node) · Xã: \(report.commune) · Máy chủ huyện: \(report.hub)")
            print("Báo cáo chờ gửi lên huyện: \(state.pendingReports) (\(report.pending) trường dữ liệu)")
            print("Lần đồng bộ gần nhất: \(state.lastSync.map { VietnameseFormat.dateTime(millis: $0) } ?? "chưa đồng bộ")")
            if let error = report.lastError { print("Lỗi gần nhất: \(error)") }
            if report.rejected > 0 {
                print("Thay đổi bị huyện từ chối: \(report.rejected)")
                for write in refused {
                    print("  - \(Self.describe(write.change)): \(SyncError.officerRefusal(code: write.code, reason: write.reason))")
                }
                if report.rejected > refused.count { print("  … và \(report.rejected - refused.count) thay đổi cũ hơn") }
            }
            if let warning {
                print("CẢNH BÁO: \(warning)")
            } else if report.clockOffsetMs != nil {
                print("Đồng hồ máy tính: khớp với máy chủ huyện.")
            }
        }
    }

    /// What was written, as the officer named it: the task or the equipment, and the field.
    static func describe(_ change: FieldChange) -> String {
        let item = String(change.record.split(separator: "/").last ?? "")
        let field = Pages.fieldLabel(change.field).lowercased()
        switch RecordCollection(rawValue: change.collection) {
        case .progress: return "Nhiệm vụ \(item), \(field)"
        case .equipment: return "Kiểm tra \(EquipmentKind(rawValue: item)?.lowercasedFirstWord ?? item), \(field)"
        case .attachments:
            let task = Schema.recordParts(change.record).map { String($0.item.split(separator: "/").first ?? "") } ?? ""
            return "Tệp minh chứng của nhiệm vụ \(task), \(field)"
        case .scores: return "Tự chấm tiêu chí \(item), \(field)"
        case .assessments: return "Nộp bản tự đánh giá năm \(item)"
        default: return "\(change.collection) \(change.record), \(change.field)"
        }
    }
}
