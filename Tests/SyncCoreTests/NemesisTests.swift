import Foundation
import GRDB
import SyncCore
import TestSupport
import Testing

/// The whole system under a nemesis (issue 13): offices of two communes write and sync while
/// agents and the hub are restored from backups taken at random points, agents are rebound,
/// PC clocks run ahead and behind, the district reassigns a task (so writes are refused),
/// replies are lost and a CLI sync runs beside the daemon's. The real stores and the real
/// exchange run in-process. After every run, once every office has synced:
///
/// - every office holds exactly the hub's value and stamp for every field of its commune;
/// - the hub's audit holds every write an office's current node had acknowledged, exactly once,
///   and no `(node, seq)` twice;
/// - no office's write to another commune's records was ever applied.
///
/// A seed replays a run: `NEMESIS_SEED=17 swift test --filter NemesisTests`. CI runs a few
/// short seeds; `scripts/nemesis` runs many long ones (`docs/RELIABILITY.md`).
@Suite("Nemesis (model-based)")
struct NemesisTests {
    static var seeds: [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        if let seed = environment["NEMESIS_SEED"].flatMap(UInt64.init) { return [seed] }
        let first = environment["NEMESIS_FIRST_SEED"].flatMap(UInt64.init) ?? 0
        let count = environment["NEMESIS_SEEDS"].flatMap(UInt64.init) ?? 4
        return Array(first..<first + count)
    }

    static var steps: Int {
        ProcessInfo.processInfo.environment["NEMESIS_STEPS"].flatMap(Int.init) ?? 150
    }

    @Test("every replica ends equal to the hub and every acknowledged write is audited once", arguments: seeds)
    func nemesis(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let world = try await NemesisWorld()
        for (index, commune) in ["long-dong", "long-dong", "bac-quynh", "bac-quynh"].enumerated() {
            try await world.addOffice(commune, skew: Int64(index) * 300 - 450)
        }
        var trace: [String] = []
        for step in 0..<Self.steps {
            world.advance(Int64.random(in: 0...400, using: &random))
            let action = try await world.act(using: &random)
            trace.append("\(step): \(action)")
        }
        try await world.settle()
        let failures = try await world.check()
        #expect(failures.isEmpty, "seed \(seed): \(failures.prefix(10).joined(separator: "; "))\ntrace:\n\(trace.joined(separator: "\n"))")
    }
}

/// One office PC: its store, node and clock, and the backups taken of it.
private struct Office {
    var store: AgentStore
    var identity: AgentIdentity
    var token: String
    let clock: ManualClock
    var backups: [String] = []

    func client(_ transport: any SyncTransport, batchSize: Int = 500, pullLimit: Int = 1_000) -> SyncClient {
        var client = SyncClient(store: store, transport: transport)
        client.batchSize = batchSize
        client.pullLimit = pullLimit
        return client
    }
}

/// The hub, the offices and what the nemesis did to them.
private final class NemesisWorld {
    let scratch: Scratch
    let hubClock: ManualClock
    let hubPath: String
    var hub: HubStore
    var transport: InMemorySyncTransport
    var offices: [Office] = []
    /// Hub backups, each with the number of enrollments made before it: a backup from before
    /// an office's node was enrolled would not know that node (a double failure the README's
    /// procedures do not cover; see `docs/RELIABILITY.md`).
    var hubBackups: [(path: String, enrollments: Int)] = []
    var enrollments = 0
    var files = 0

    /// The test district's hub (tasks 4.1 for every commune and 9.1 for Long Đống among them).
    init() async throws {
        let district = try await District()
        scratch = district.scratch
        hubClock = district.hubClock
        hub = district.hub
        hubPath = district.hub.path
        transport = district.transport
    }

    func newFile(_ stem: String) -> String {
        files += 1
        return scratch.path("\(stem)-\(files).sqlite")
    }

    func addOffice(_ commune: String, skew: Int64) async throws {
        let enrollment = try await hub.enroll(commune: commune, name: nil, label: nil)
        enrollments += 1
        let clock = ManualClock(millis: hubClock.physical.now() + skew)
        let store = try AgentStore(path: newFile("office"), clock: HybridLogicalClock(physical: clock.physical))
        let identity = AgentIdentity(node: enrollment.node, commune: commune, hubURL: "memory://hub", tokenFile: "/dev/null")
        try await store.configureAgent(identity)
        offices.append(Office(store: store, identity: identity, token: enrollment.token, clock: clock))
    }

    /// Time passes for everyone alike.
    func advance(_ delta: Int64) {
        hubClock.advance(by: delta)
        for office in offices { office.clock.advance(by: delta) }
    }

    /// One random action; returns what it did, for the trace of a failing seed.
    func act(using random: inout SeededRandom) async throws -> String {
        let index = Int.random(in: 0..<offices.count, using: &random)
        let office = offices[index]
        let roll = Int.random(in: 0..<100, using: &random)
        switch roll {
        case 0..<30:
            return try await write(office, using: &random)
        case 30..<42:
            let client = office.client(transport, batchSize: Int.random(in: 1...6, using: &random),
                                       pullLimit: Int.random(in: 1...8, using: &random))
            _ = try await client.exchangeOnce(token: office.token)
            return "office \(index) exchanges once"
        case 42..<54:
            try await office.client(transport).syncUntilDrained(token: office.token)
            return "office \(index) syncs"
        case 54..<60:
            transport.dropReplies(1)
            defer { transport.dropReplies(0) }
            do {
                _ = try await office.client(transport, batchSize: 3).exchangeOnce(token: office.token)
                return "office \(index) loses a reply (none was dropped?)"
            } catch let error as SyncError where error.code == .hubUnreachable {
                return "office \(index) loses a reply"
            }
        case 60..<65:
            // The CLI's `sync` beside the daemon's, on the same store.
            let daemon = office.client(transport, batchSize: 2, pullLimit: 3), cli = office.client(transport, batchSize: 5)
            async let first = daemon.syncUntilDrained(token: office.token)
            async let second = cli.syncUntilDrained(token: office.token)
            _ = try await (first, second)
            return "office \(index) syncs twice at once"
        case 65..<70:
            let jumps: [Int64] = [365 * 86_400_000, 3 * 3_600_000, -3 * 3_600_000, -30 * 86_400_000]
            let jump = jumps.randomElement(using: &random)!
            office.clock.advance(by: jump)
            return "office \(index) clock moves \(jump) ms"
        case 70..<74:
            office.clock.set(hubClock.physical.now() + Int64.random(in: -500...500, using: &random))
            return "office \(index) clock set right"
        case 74..<79:
            let communes = [["long-dong"], ["long-dong", "bac-quynh"], ["bac-quynh"], []].randomElement(using: &random)!
            try await hub.recordDistrict([FieldWrite(collection: "tasks", record: "9.1", field: "communes",
                                                     value: .text(TaskAssignment.communes(communes).encoded))], actor: "Phòng Nội vụ")
            return "district assigns 9.1 to \(communes)"
        case 79..<82:
            let title = "Ban hành quyết định thành lập Ban chỉ đạo (lần \(Int.random(in: 1...99, using: &random)))"
            try await hub.recordDistrict([FieldWrite(collection: "tasks", record: "4.1", field: "title", value: .text(title))],
                                         actor: "Phòng Nội vụ")
            return "district renames 4.1"
        case 82..<88:
            let path = newFile("office-backup")
            _ = try await office.store.backup(to: path)
            offices[index].backups.append(path)
            return "office \(index) backed up"
        case 88..<92:
            guard let backup = office.backups.randomElement(using: &random) else { return "office \(index) has no backup" }
            try await restore(office: index, from: backup)
            return "office \(index) restored from \(backup.split(separator: "/").last!) and rebound"
        case 92..<97:
            let path = newFile("hub-backup")
            _ = try await hub.backup(to: path)
            hubBackups.append((path, enrollments))
            return "hub backed up"
        default:
            let usable = hubBackups.filter { $0.enrollments == enrollments }
            guard let backup = usable.randomElement(using: &random) else { return "hub has no usable backup" }
            try hub.close()
            _ = try HubStore.restore(backup: backup.path, to: hubPath)
            hub = try HubStore(path: hubPath, clock: HybridLogicalClock(physical: hubClock.physical, maxDrift: 2_000), create: false)
            transport = InMemorySyncTransport(hub: hub)
            return "hub restored from \(backup.path.split(separator: "/").last!)"
        }
    }

    /// An officer's report or equipment check, as the screen and the CLI record them.
    private func write(_ office: Office, using random: inout SeededRandom) async throws -> String {
        let commune = office.identity.commune
        let by = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"].randomElement(using: &random)!
        let writes: [FieldWrite]
        if Bool.random(using: &random) {
            let task = ["4.1", "9.1"].randomElement(using: &random)!
            let status = ProgressStatus.allCases.randomElement(using: &random)!
            let percent = status == .done ? 100 : Int.random(in: 0...99, using: &random)
            let note = ["Đang làm", "Chờ kinh phí", "Đã trình UBND"].randomElement(using: &random)!
            let report = ProgressReport(task: task, status: status, percent: percent, note: note, by: by)
            let current = try await office.store.fields(of: .progress, record: "\(commune)/\(task)")
            writes = try report.writes(commune: commune, current: current)
        } else {
            let kind = EquipmentKind.allCases.randomElement(using: &random)!
            writes = [kind.isDevice
                ? FieldWrite(collection: "equipment", record: "\(commune)/\(kind.rawValue)", field: "needed",
                             value: .int(Int64.random(in: 0...9, using: &random)))
                : FieldWrite(collection: "equipment", record: "\(commune)/\(kind.rawValue)", field: "provider",
                             value: .text(["VNPT", "Viettel"].randomElement(using: &random)!))]
        }
        try await office.store.record(writes, actor: by, node: office.identity.node)
        return "office \(offices.firstIndex { $0.identity.node == office.identity.node }!) writes \(writes.map(\.field))"
    }

    /// The README's procedure: put the backup in place, enroll the machine again, `init --rebind`.
    private func restore(office index: Int, from backup: String) async throws {
        var office = offices[index]
        let path = newFile("office-restored")
        try FileManager.default.copyItem(atPath: backup, toPath: path)
        try office.store.close()
        office.store = try AgentStore(path: path, clock: HybridLogicalClock(physical: office.clock.physical), create: false)
        let enrollment = try await hub.enroll(commune: office.identity.commune, name: nil, label: nil)
        enrollments += 1
        office.identity.node = enrollment.node
        office.token = enrollment.token
        try await office.store.configureAgent(office.identity, rebind: true)
        offices[index] = office
    }

    /// The line comes back and clocks are right: every office syncs until nothing moves.
    func settle() async throws {
        for office in offices {
            office.clock.set(hubClock.physical.now())
        }
        for _ in 0..<3 {
            for office in offices { try await office.client(transport).syncUntilDrained(token: office.token) }
        }
    }

    /// What is wrong, if anything.
    func check() async throws -> [String] {
        var failures: [String] = []
        let hubFields = try await hub.allFields()
        let audit = try await hub.audit()
        let firstTimes = audit.filter { $0.outcome != .duplicate && $0.seq != nil }
        let byNodeSeq = Dictionary(grouping: firstTimes) { "\($0.node)#\($0.seq!)" }
        for (key, entries) in byNodeSeq where entries.count > 1 {
            failures.append("\(key) audited \(entries.count) times")
        }
        let communeOf = Dictionary(uniqueKeysWithValues: try await hub.nodes().map { ($0.node, $0.commune) })
        for entry in firstTimes where entry.outcome == .applied || entry.outcome == .lost {
            if ["progress", "equipment"].contains(entry.collection), !entry.record.hasPrefix((communeOf[entry.node] ?? "?") + "/") {
                failures.append("\(entry.node) of \(communeOf[entry.node] ?? "?") wrote \(entry.record)")
            }
        }
        for (index, office) in offices.enumerated() {
            let commune = office.identity.commune
            let local = try await office.store.allFields()
            for (key, field) in hubFields where District.concerns(key, commune: commune, hubFields: hubFields) {
                guard let mine = local[key] else {
                    failures.append("office \(index) lacks \(key)")
                    continue
                }
                if mine.stamp != field.stamp || mine.value != field.value {
                    failures.append("office \(index) has \(key)=\(mine.value)@\(mine.stamp), the hub \(field.value)@\(field.stamp)")
                }
            }
            for key in local.keys where hubFields[key] == nil {
                failures.append("office \(index) has \(key), which the hub does not")
            }
            for row in try Self.ownOutbox(office) {
                let audited = byNodeSeq["\(office.identity.node)#\(row.seq)"] ?? []
                switch row.state {
                case "acked":
                    if audited.count != 1 || audited.first.map({ $0.field != row.field || $0.record != row.record || $0.value != row.value }) == true {
                        failures.append("office \(index) acked \(row.seq) (\(row.record).\(row.field)) is audited \(audited.count) times")
                    }
                case "pending": failures.append("office \(index) still has \(row.seq) pending")
                default: break
                }
            }
        }
        return failures
    }

    /// The office's outbox entries that its current node sent or will send (after a rebind,
    /// the earlier ones were settled by the node before).
    private static func ownOutbox(_ office: Office) throws -> [(seq: Int64, state: String, record: String, field: String, value: FieldValue)] {
        let queue = try DatabaseQueue(path: office.store.path)
        defer { try? queue.close() }
        return try queue.read { db in
            let since = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'agent.previous_node_seq'").flatMap { Int64($0) } ?? 0
            return try Row.fetchAll(db, sql: "SELECT seq, state, record, field, value FROM outbox WHERE seq > ? ORDER BY seq", arguments: [since])
                .map { ($0[0], $0[1], $0[2], $0[3], FieldValue.fromDatabaseValue($0[4]) ?? .null) }
        }
    }
}
