import Foundation
import GRDB

/// One report or check this office made: the fields written under one stamp, and what became
/// of them.
public struct LocalReport: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        /// Waiting in the outbox.
        case pending
        /// At the hub, and still what the merged record holds.
        case synced
        /// At the hub, but a later write from another machine (or the district) replaced it.
        case superseded(by: String, node: String)
        /// Refused by the hub, with its stable code and its reason.
        case rejected(code: String, reason: String)
    }

    public var collection: String
    public var record: String
    public var actor: String
    /// This PC's clock when the officer saved it.
    public var createdAt: Int64
    public var values: [String: FieldValue]
    public var state: State
}

extension AgentStore {
    /// This office's own reports and checks, newest first, with what became of each: the
    /// history an officer checks to see whether the district has what they typed.
    public func localHistory(limit: Int = 200) async throws -> [LocalReport] {
        try await read { [self] db in
            let node = try meta(AgentMeta.node, db) ?? ""
            // Newest first; a report's fields are consecutive, so reading stops at the first
            // field of the report after the `limit`-th.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT o.collection, o.record, o.field, o.value, o.wall, o.counter, o.actor, o.created_at, o.state, o.reason,
                       f.node, f.actor, o.reason_code
                FROM outbox o LEFT JOIN fields f
                  ON f.collection = o.collection AND f.record = o.record AND f.field = o.field
                ORDER BY o.seq DESC
                """)
            var reports: [LocalReport] = []
            var index: [String: Int] = [:]
            while let row = try rows.next() {
                let wall: Int64 = row[4]
                let counter: Int64 = row[5]
                let key = "\(wall).\(counter).\(row[0] as String).\(row[1] as String)"
                let state: String = row[8]
                // Our node still holds the field: this report, a later one of ours, or this one as the hub re-stamped it.
                let holds = (row[10] as String?) == node
                let reportState: LocalReport.State
                switch state {
                case "pending": reportState = .pending
                case "rejected": reportState = .rejected(code: row[12] ?? "", reason: row[9] ?? "")
                default:
                    reportState = holds ? .synced : .superseded(by: row[11] ?? "", node: row[10] ?? "")
                }
                if let position = index[key] {
                    // A report is synced only while all its fields still hold; one replaced field supersedes it.
                    if case .superseded = reportState, reports[position].state == .synced {
                        reports[position].state = reportState
                    }
                    reports[position].values[row[2]] = FieldValue.fromDatabaseValue(row[3]) ?? .null
                    continue
                }
                guard reports.count < limit else { break }
                index[key] = reports.count
                reports.append(LocalReport(collection: row[0], record: row[1], actor: row[6], createdAt: row[7],
                                           values: [row[2]: FieldValue.fromDatabaseValue(row[3]) ?? .null], state: reportState))
            }
            return reports
        }
    }
}
