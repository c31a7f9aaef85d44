import Foundation
import SyncCore

/// The figures of the periodic report the Interior Office sends the district People's
/// Committee (notice sections 5 and 6): the plan's tasks by task, by commune and by office,
/// the equipment and its budget, the late tasks, and the proposals of the period. A closed
/// period's figures are what had been recorded by its end, by the writes' own stamps (work a
/// commune recorded offline on its last day counts); a running period's are today's.
struct PeriodicReport: Sendable {
    var period: ReportPeriod
    var heading: ReportHeading
    /// The day the figures stand at: the period's last day, or today while it runs.
    var asOf: CalendarDay
    /// The day the report is dated.
    var issued: CalendarDay
    var plan: Int
    var tasks: [TaskRow]
    var communes: [CommuneRow]
    var offices: [OfficeRow]
    var equipment: [EquipmentRow]
    var internet: [InternetState: Int]
    var internetUnknown: Int
    var late: [LateRow]
    var proposals: [ProposalRow]
    var training: Training

    struct Counts: Sendable {
        var assigned = 0, done = 0, inProgress = 0, blocked = 0, notStarted = 0, late = 0

        mutating func add(_ status: ProgressStatus, late isLate: Bool) {
            assigned += 1
            switch status {
            case .done: done += 1
            case .inProgress: inProgress += 1
            case .blocked: blocked += 1
            case .notStarted: notStarted += 1
            }
            if isLate { late += 1 }
        }

        /// Done out of assigned, in whole percent.
        var donePercent: Int { assigned == 0 ? 0 : Int((Double(done) * 100 / Double(assigned)).rounded()) }
    }

    struct TaskRow: Sendable {
        var task: TaskInfo
        var counts: Counts
    }

    struct CommuneRow: Sendable {
        var code: String
        var name: String
        var counts: Counts
    }

    struct OfficeRow: Sendable {
        var task: TaskInfo
        var office: String
        var status: ProgressStatus
        var percent: Int64?
        var late: Bool
    }

    struct EquipmentRow: Sendable {
        var kind: EquipmentKind
        var working: Int64 = 0, total: Int64 = 0, needed: Int64 = 0, cost: Int64 = 0
        /// Communes that have reported a check of this kind.
        var reported = 0
    }

    /// A task past its deadline and the communes and offices that have not finished it.
    struct LateRow: Sendable {
        var task: TaskInfo
        var units: [String]
    }

    /// A proposal received in the period, in its state at the period's end.
    struct ProposalRow: Sendable {
        var proposal: Proposal
        var communeName: String
    }

    struct Training: Sendable {
        var requests = 0, people: Int64 = 0
        var sessions: [TrainingSession] = []
    }

    var totals: Counts { tasks.reduce(into: Counts()) { $0.add($1.counts) } }
    var budget: Int64 { equipment.reduce(0) { $0 + $1.cost } }
}

private extension PeriodicReport.Counts {
    mutating func add(_ other: Self) {
        assigned += other.assigned
        done += other.done
        inProgress += other.inProgress
        blocked += other.blocked
        notStarted += other.notStarted
        late += other.late
    }
}

extension PeriodicReport {
    /// Gathers the report from the hub's store. `today` is the hub's day in Vietnam.
    static func make(_ store: HubStore, period: ReportPeriod, heading: ReportHeading, today: CalendarDay) async throws -> PeriodicReport {
        let asOf = min(period.last, today)
        // The communes and the plan; their progress and equipment come from `records` below.
        let current = try await store.hubStatus(.equipment)
        let collections: [RecordCollection] = [.progress, .equipment, .officeProgress, .proposals, .training, .sessions]
        var records: [RecordCollection: [String: [String: FieldValue]]] = [:]
        if period.last < today {
            records = try await store.records(of: collections, asOf: period.last.startMillis + 86_400_000)
        } else {
            for collection in collections {
                records[collection] = try await store.records(of: collection).filter { $0.value[deletedField]?.int != 1 }
            }
        }
        let names = Dictionary(current.communes.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let communes = current.communes.sorted { $0.name.compare($1.name, locale: Locale(identifier: "vi")) == .orderedAscending }
        let planTasks = current.tasks.filter { ($0.plan ?? period.year) == period.year }
        let progress = records[.progress] ?? [:]

        var taskRows: [TaskRow] = []
        var communeCounts: [String: Counts] = [:]
        var lateUnits: [String: [String]] = [:]
        for task in planTasks where task.assignment != .communes([]) {
            var counts = Counts()
            for commune in communes where task.assignment.includes(commune.code) {
                let fields = progress["\(commune.code)/\(task.id)"] ?? [:]
                let status = fields["status"]?.text.flatMap(ProgressStatus.init(rawValue:)) ?? .notStarted
                let isLate = Deadline(task.deadline)?.isLate(status, today: asOf) ?? false
                counts.add(status, late: isLate)
                communeCounts[commune.code, default: Counts()].add(status, late: isLate)
                if isLate { lateUnits[task.id, default: []].append(commune.name) }
            }
            taskRows.append(TaskRow(task: task, counts: counts))
        }

        var officeRows: [OfficeRow] = []
        let officeProgress = records[.officeProgress] ?? [:]
        for task in planTasks {
            for office in task.offices {
                let fields = officeProgress["\(OfficeKey.of(office))/\(task.id)"] ?? [:]
                let status = fields["status"]?.text.flatMap(ProgressStatus.init(rawValue:)) ?? .notStarted
                let isLate = Deadline(task.deadline)?.isLate(status, today: asOf) ?? false
                officeRows.append(OfficeRow(task: task, office: office, status: status, percent: fields["percent"]?.int, late: isLate))
                if isLate { lateUnits[task.id, default: []].append(office) }
            }
        }

        var equipment = EquipmentKind.allCases.filter(\.isDevice).map { EquipmentRow(kind: $0) }
        var internet: [InternetState: Int] = [:]
        var internetUnknown = 0
        let checks = records[.equipment] ?? [:]
        for commune in communes {
            for index in equipment.indices {
                guard let check = checks["\(commune.code)/\(equipment[index].kind.rawValue)"] else { continue }
                equipment[index].reported += 1
                equipment[index].working += check["working"]?.int ?? 0
                equipment[index].total += check["total"]?.int ?? 0
                equipment[index].needed += check["needed"]?.int ?? 0
                equipment[index].cost += check["cost"]?.int ?? 0
            }
            if let state = checks["\(commune.code)/\(EquipmentKind.internet.rawValue)"]?["state"]?.text.flatMap(InternetState.init(rawValue:)) {
                internet[state, default: 0] += 1
            } else {
                internetUnknown += 1
            }
        }

        let inPeriod = { (iso: String) in Self.day(iso).map { period.first <= $0 && $0 <= asOf } ?? false }
        let proposals = (records[.proposals] ?? [:]).compactMap { Proposal(record: $0.key, fields: $0.value) }
            .filter { inPeriod($0.at) }
            .sorted { ($0.at, $0.id) < ($1.at, $1.id) }
            .map { ProposalRow(proposal: $0, communeName: names[$0.commune] ?? $0.commune) }
        var training = Training()
        for request in (records[.training] ?? [:]).compactMap({ TrainingRequest(record: $0.key, fields: $0.value) }) where inPeriod(request.at) {
            training.requests += 1
            training.people += request.people
        }
        training.sessions = (records[.sessions] ?? [:]).compactMap { TrainingSession(record: $0.key, fields: $0.value) }
            .filter { CalendarDay($0.date).map { period.first <= $0 && $0 <= period.last } ?? false }
            .sorted { ($0.date, $0.id) < ($1.date, $1.id) }

        return PeriodicReport(
            period: period, heading: heading, asOf: asOf, issued: today, plan: period.year, tasks: taskRows,
            communes: communes.compactMap { commune in
                communeCounts[commune.code].map { CommuneRow(code: commune.code, name: commune.name, counts: $0) }
            },
            offices: officeRows, equipment: equipment, internet: internet, internetUnknown: internetUnknown,
            late: planTasks.compactMap { task in lateUnits[task.id].map { LateRow(task: task, units: $0) } }
                .sorted { ($0.task.deadline ?? "") < ($1.task.deadline ?? "") },
            proposals: proposals, training: training)
    }

    /// The day in Vietnam of an ISO 8601 instant (`at` fields are written in UTC).
    private static func day(_ iso: String) -> CalendarDay? {
        guard let date = try? Date(iso, strategy: .iso8601) else { return CalendarDay(String(iso.prefix(10))) }
        return CalendarDay(millis: Int64(date.timeIntervalSince1970 * 1000))
    }
}
