import Foundation
import GRDB

extension AgentStore {
    /// The tasks assigned to this agent's commune with the commune's own progress on each.
    public func agentTasks(commune: String) async throws -> [AgentTask] {
        try await read { [self] db in
            let progress = try records(of: .progress, db)
            return try records(of: .tasks, db)
                .filter { $0.value[deletedField]?.int != 1 }
                .map { TaskInfo(id: $0.key, fields: $0.value) }
                .filter { $0.assignment.includes(commune) }
                .sorted(by: TaskInfo.order)
                .map { task in
                    let mine = progress["\(commune)/\(task.id)"] ?? [:]
                    return AgentTask(
                        id: task.id, title: task.title, deadline: task.deadline,
                        status: mine["status"]?.text ?? ProgressStatus.notStarted.rawValue,
                        percent: mine["percent"]?.int ?? (mine["status"] == nil ? 0 : nil),
                        source: task.source, index: task.index,
                        note: mine["note"]?.text, evidence: mine["evidence"]?.text, by: mine["by"]?.text,
                        review: mine["review"]?.text, reviewNote: mine["review_note"]?.text, plan: task.plan)
                }
        }
    }
}
