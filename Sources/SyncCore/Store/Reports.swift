import Foundation
import GRDB

/// A task as people read it.
public struct TaskInfo: Encodable, Sendable, Hashable {
    public var id: String
    public var title: String
    @NullWhenAbsent public var source: String?
    @NullWhenAbsent public var detail: String?
    /// `yyyy-MM-dd`, a day in Asia/Ho_Chi_Minh.
    @NullWhenAbsent public var deadline: String?
    public var assignment: TaskAssignment
    public var offices: [String]
    @NullWhenAbsent public var index: String?
    /// The year of the plan it belongs to: its `plan` field, or its deadline's year.
    @NullWhenAbsent public var plan: Int?
    @NullWhenAbsent public var planSource: String?

    enum CodingKeys: String, CodingKey {
        case id, title, source, detail, deadline, assignment = "communes", offices, index, plan, planSource
    }

    init(id: String, fields: [String: FieldValue]) {
        self.id = id
        title = fields["title"]?.text ?? id
        source = fields["source"]?.text
        detail = fields["detail"]?.text
        deadline = fields["deadline"]?.text
        assignment = fields["communes"]?.text.flatMap(TaskAssignment.init(encoded:)) ?? .communes([])
        offices = JSON.strings(fields["offices"]?.text)
        index = fields["index"]?.text
        plan = fields["plan"]?.int.map(Int.init) ?? deadline.flatMap(CalendarDay.init).map(\.year)
        planSource = fields["plan_source"]?.text
    }

    /// Tasks sort by id the way people number them: 4.2 before 4.10.
    static func order(_ lhs: TaskInfo, _ rhs: TaskInfo) -> Bool {
        lhs.id.compare(rhs.id, options: .numeric) == .orderedAscending
    }
}

/// The merged state of one commune, as `district-hub status --json` prints it.
public struct CommuneStatus: Encodable, Sendable {
    public var code: String
    public var name: String
    /// Keyed by task id: `status`, `percent`, `note`, `evidence`, `by` and the district's review.
    public var progress: [String: [String: FieldValue]]
    /// Keyed by kind: the fields of the last check.
    public var equipment: [String: [String: FieldValue]]
}

/// Everything merged at the hub.
public struct HubStatus: Encodable, Sendable {
    public var communes: [CommuneStatus]
    public var tasks: [TaskInfo]
}

/// One row of the audit trail.
public struct AuditEntry: Encodable, Sendable, Hashable {
    public var id: Int64
    /// Hub time of receipt, ISO 8601 UTC: made when asked for (an export of millions of rows
    /// never asks), as is `hlc`.
    public var receivedAt: String { isoTimestamp(millis: receivedAtMillis) }
    public var receivedAtMillis: Int64
    @NullWhenAbsent public var commune: String?
    public var collection: String
    public var record: String
    public var field: String
    public var value: FieldValue
    /// What the field held when the change arrived: for a lost write, the value that won.
    @NullWhenAbsent public var oldValue: FieldValue?
    public var node: String
    @NullWhenAbsent public var seq: Int64?
    public var actor: String
    /// The stamp the node gave it.
    public var stamp: HLC
    /// The stamp the hub applied it with, when the hub re-stamped a runaway clock.
    public var appliedStamp: HLC?
    public var outcome: AuditOutcome
    @NullWhenAbsent public var reasonCode: String?
    @NullWhenAbsent public var reason: String?

    /// The node's stamp, `wall.counter`.
    public var hlc: String { stamp.description }
    public var appliedHlc: String? { appliedStamp?.description }

    /// `receivedAtMillis` is for sorting and filtering; scripts read `receivedAt`.
    enum CodingKeys: String, CodingKey {
        case id, receivedAt, commune, collection, record, field, value, oldValue, node, seq, actor, hlc, appliedHlc,
            outcome, reasonCode, reason
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(receivedAt, forKey: .receivedAt)
        try container.encode(_commune, forKey: .commune)
        try container.encode(collection, forKey: .collection)
        try container.encode(record, forKey: .record)
        try container.encode(field, forKey: .field)
        try container.encode(value, forKey: .value)
        try container.encode(_oldValue, forKey: .oldValue)
        try container.encode(node, forKey: .node)
        try container.encode(_seq, forKey: .seq)
        try container.encode(actor, forKey: .actor)
        try container.encode(hlc, forKey: .hlc)
        try container.encode(appliedHlc, forKey: .appliedHlc)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(_reasonCode, forKey: .reasonCode)
        try container.encode(_reason, forKey: .reason)
    }
}

/// Which audit entries to list.
public struct AuditFilter: Sendable, Hashable {
    public var commune: String?
    public var collection: String?
    /// One record's changes only (a sub-criterion's history).
    public var record: String?
    public var field: String?
    public var outcome: AuditOutcome?
    /// Receive time bounds, milliseconds since the epoch: `from` inclusive, `to` exclusive. With
    /// either, entries come in receive order (then by id), which an index on the receive time
    /// serves; without, by id. The two differ only where the hub's clock was set back.
    public var fromMillis: Int64?
    public var toMillis: Int64?
    /// Only records whose id starts so (one commune's scores of one year: `<commune>/<year>/`).
    public var recordPrefix: String?
    public var newestFirst = false
    public var limit = 100_000
    /// The next page: the id of the previous page's last entry (keyset pagination, so a deep
    /// page costs what the first one does).
    public var after: Int64?

    public init(commune: String? = nil, collection: String? = nil, record: String? = nil, recordPrefix: String? = nil, field: String? = nil,
                outcome: AuditOutcome? = nil, fromMillis: Int64? = nil, toMillis: Int64? = nil, newestFirst: Bool = false,
                limit: Int = 100_000, after: Int64? = nil) {
        self.commune = commune
        self.collection = collection
        self.record = record
        self.recordPrefix = recordPrefix
        self.after = after
        self.field = field
        self.outcome = outcome
        self.fromMillis = fromMillis
        self.toMillis = toMillis
        self.newestFirst = newestFirst
        self.limit = limit
    }
}

/// A commune's own view of a task on the agent.
public struct AgentTask: Encodable, Sendable, Hashable {
    public var id: String
    public var title: String
    public var deadline: String?
    public var status: String
    public var percent: Int64?
    public var source: String?
    public var index: String?
    public var note: String?
    public var evidence: String?
    public var by: String?
    public var review: String?
    public var reviewNote: String?
    /// The year of the plan the task belongs to.
    public var plan: Int?
}

/// A moment as ISO 8601 UTC with milliseconds, for JSON outputs.
func isoTimestamp(millis: Int64) -> String {
    CivilTime(millis: millis).iso8601
}

extension ReplicaStore {
    /// Every task that is not deleted, in notice order.
    public func tasks() async throws -> [TaskInfo] {
        try await records(of: .tasks)
            .filter { $0.value[deletedField]?.int != 1 }
            .map { TaskInfo(id: $0.key, fields: $0.value) }
            .sorted(by: TaskInfo.order)
    }
}

/// The audit's `outcome` column reads and binds as the enum; its CHECK constraint admits no
/// other value.
extension AuditOutcome: DatabaseValueConvertible {}
