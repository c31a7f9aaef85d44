import Foundation
import Synchronization
import SyncCore
import TestSupport

/// `sync-bench scale-store AUDIT_ROWS --db HUB [--communes 170] [--pcs 3] [--tasks 60] [--first-year 2023] [--years 4]
/// [--criteria config/criteria-example.json]`: a hub store as years of use leave it, built
/// through the hub's own code paths (district writes, enrollment, the exchange's merge and
/// audit), never raw inserts. Each year has a plan of TASKS tasks for every commune (some also
/// the offices') and a PAR INDEX criteria set; the PCs report progress, equipment checks, the
/// self-assessment's scores and evidence files' metadata through the year, some writes lose to
/// a newer one (an older stamp), some are refused (a task the commune does not have). The hub's
/// clock walks through the years, so the audit's receive times spread over them. Prints the
/// audit's rows and the store's bytes.
enum ScaleStore {
    static func run(_ auditRows: Int, _ options: Options) async throws {
        let communes = options.int("communes", default: 170), pcs = options.int("pcs", default: 3)
        let tasksPerYear = options.int("tasks", default: 60), firstYear = options.int("first-year", default: 2023)
        let years = options.int("years", default: 4)
        let criteria = try CriteriaSet.load(path: options.string("criteria", default: "config/criteria-example.json"))
        let leaves = criteria.leaves
        let now = Atomic<Int64>(CalendarDay(String(format: "%04d-01-02", firstYear))!.startMillis)
        let hub = try HubStore(path: options.string("db"), clock: HybridLogicalClock(physical: PhysicalClock { now.load(ordering: .relaxed) }))
        let codes = (1...communes).map { String(format: "xa-%03d", $0) }
        let offices = ["Phòng Nội vụ", "Phòng Tài chính - Kế hoạch", "Phòng Văn hóa và Thông tin"]
        try await hub.recordDistrict(codes.enumerated().map { index, code in
            FieldWrite(collection: "communes", record: code, field: "name", value: .text("Xã Thử Nghiệm \(index + 1)"))
        }, actor: "sync-bench")
        var nodes: [(commune: String, identity: NodeIdentity, seq: Int64, cursor: Int64)] = []
        for code in codes {
            for _ in 0..<pcs {
                let enrollment = try await hub.enroll(commune: code, name: nil, label: "sync-bench")
                nodes.append((code, try await hub.authenticate(token: enrollment.token), 0, 0))
            }
        }
        var random = SeededRandom(seed: 20_261_203)
        let perYear = auditRows / years
        var written = 0
        for year in firstYear..<(firstYear + years) {
            let start = CalendarDay(String(format: "%04d-01-02", year))!.startMillis
            let span = CalendarDay(String(format: "%04d-12-30", year))!.startMillis - start
            now.store(start, ordering: .relaxed)
            let tasks = (1...tasksPerYear).map { "\($0 / 10 + 1).\($0 % 10 + 1)-\(year)" }
            try await hub.recordDistrict(tasks.enumerated().flatMap { index, id -> [FieldWrite] in
                var writes = [FieldWrite(collection: "tasks", record: id, field: "communes", value: .text("*")),
                              FieldWrite(collection: "tasks", record: id, field: "title", value: .text("Nhiệm vụ thử \(index + 1) năm \(year)")),
                              FieldWrite(collection: "tasks", record: id, field: "deadline", value: .text(String(format: "%04d-%02d-28", year, index % 12 + 1))),
                              FieldWrite(collection: "tasks", record: id, field: "plan", value: .int(Int64(year)))]
                if index % 6 == 0 {
                    writes.append(FieldWrite(collection: "tasks", record: id, field: "offices", value: .text("[\"\(offices[index % 3])\"]")))
                }
                return writes
            }, actor: "sync-bench")
            _ = try await hub.importCriteria(criteria, year: year, actor: "sync-bench")
            var yearRows = 0
            while yearRows < perYear {
                now.store(start + span * Int64(yearRows) / Int64(perYear), ordering: .relaxed)
                let index = Int(random.next() % UInt64(nodes.count))
                let count = min(500, perYear - yearRows)
                var changes: [PushedChange] = []
                for position in 0..<count {
                    nodes[index].seq += 1
                    changes.append(change(seq: nodes[index].seq, counter: UInt32(position), commune: nodes[index].commune, tasks: tasks,
                                          year: year, leaves: leaves, now: now.load(ordering: .relaxed), random: &random))
                }
                let result = try await hub.exchange(
                    SyncRequest(node: nodes[index].identity.node, commune: nodes[index].commune, clock: now.load(ordering: .relaxed),
                                cursor: nodes[index].cursor, pullLimit: 1, changes: changes),
                    from: nodes[index].identity)
                nodes[index].cursor = result.response.cursor
                yearRows += count
            }
            written += yearRows
        }
        let bytes = [options.string("db"), options.string("db") + "-wal"].compactMap {
            try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int64
        }.reduce(0, +)
        SyncBench.report(["scale_audit_rows": Double(written + communes), "scale_store_bytes": Double(bytes),
                          "store_bytes_per_year": Double(bytes) / Double(years)])
    }

    /// One change as an office PC makes them: mostly progress on the year's tasks, equipment
    /// checks (8 %), self-assessment scores (4 %) and evidence files' metadata (2 %, five
    /// fields a file); about 3 % stamped a day old (they lose to what a colleague wrote since,
    /// when there is such a write) and 1 % on a task the commune does not have (refused). As an
    /// agent stamps a batch written within one millisecond: the counter tells them apart.
    static func change(seq: Int64, counter: UInt32, commune: String, tasks: [String], year: Int, leaves: [Criterion], now: Int64,
                       random: inout SeededRandom) -> PushedChange {
        let roll = random.next() % 100
        let wall = roll < 3 ? now - 86_400_000 : now
        let actor = "Cán bộ \(commune)"
        if roll == 99 {
            return PushedChange(seq: seq, collection: "progress", record: "\(commune)/9.9-1999", field: "percent", value: .int(1),
                                hlc: HLC(wall: wall, counter: counter), actor: actor)
        }
        if roll >= 95 {
            let leaf = leaves[Int(random.next() % UInt64(leaves.count))]
            let value: FieldValue = roll == 95 ? .text("Giải trình tiêu chí \(leaf.id): đã có văn bản kèm theo") : .number(random.next() % 2 == 0 ? 0 : leaf.max)
            return PushedChange(seq: seq, collection: "scores", record: AssessmentRecords.score(commune: commune, year: year, criterion: leaf.id),
                                field: roll == 95 ? "explain" : "score", value: value, hlc: HLC(wall: wall, counter: counter), actor: actor)
        }
        if roll >= 93 {
            // A file's metadata, one field per change; the digest names a file of the task.
            let task = tasks[Int(random.next() % UInt64(tasks.count))]
            let digest = String(repeating: String(format: "%016llx", random.next()), count: 4)
            let (field, value): (String, FieldValue) = switch random.next() % 5 {
            case 0: ("name", .text("bien-ban-kiem-tra-\(seq).pdf"))
            case 1: ("size", .int(Int64(random.next() % 5_000_000 + 1)))
            case 2: ("type", .text(EvidenceType.pdf.rawValue))
            case 3: ("by", .text(actor))
            default: ("at", .text(isoMoment(now)))
            }
            return PushedChange(seq: seq, collection: "attachments", record: "\(commune)/\(task)/\(digest)", field: field, value: value,
                                hlc: HLC(wall: wall, counter: counter), actor: actor)
        }
        if roll >= 85 {
            let kind = ["computer", "printer", "scanner"][Int(random.next() % 3)]
            let field = ["total", "working", "needed", "cost"][Int(random.next() % 4)]
            let value = field == "cost" ? Int64(random.next() % 50) * 1_000_000 : Int64(random.next() % 10)
            return PushedChange(seq: seq, collection: "equipment", record: "\(commune)/\(kind)", field: field, value: .int(value),
                                hlc: HLC(wall: wall, counter: counter), actor: actor)
        }
        let task = tasks[Int(random.next() % UInt64(tasks.count))]
        let field = ["status", "percent", "note", "by"][Int(random.next() % 4)]
        let value: FieldValue = switch field {
        case "status": .text(["not_started", "in_progress", "done", "blocked"][Int(random.next() % 4)])
        case "percent": .int(Int64(random.next() % 101))
        case "note": .text("Đã triển khai bước \(random.next() % 20 + 1), chờ xác nhận của huyện")
        default: .text("Cán bộ \(commune)")
        }
        return PushedChange(seq: seq, collection: "progress", record: "\(commune)/\(task)", field: field, value: value,
                            hlc: HLC(wall: wall, counter: counter), actor: actor)
    }
}

/// An instant as an attachment's `at` field holds it: ISO 8601, UTC, whole seconds (a format
/// style is a value; a formatter made per change would cost more than the merge).
private func isoMoment(_ millis: Int64) -> String {
    Date(timeIntervalSince1970: Double(millis) / 1000).formatted(.iso8601)
}
