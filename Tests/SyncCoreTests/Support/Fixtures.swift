import Foundation
import SyncCore
import TestSupport

/// A temporary folder removed when the test's fixture goes away.
final class Scratch {
    let directory: URL

    init() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("commune-sync-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }
}

/// A commune node in a test: its store, identity, token and clock.
struct Replica {
    let store: AgentStore
    let identity: AgentIdentity
    let token: String
    let clock: ManualClock

    func client(_ transport: any SyncTransport, batchSize: Int = 500, pullLimit: Int = 1_000) -> SyncClient {
        var client = SyncClient(store: store, transport: transport)
        client.batchSize = batchSize
        client.pullLimit = pullLimit
        return client
    }

    /// Records an officer's progress report on this node.
    @discardableResult
    func report(_ task: String, _ status: ProgressStatus, percent: Int? = nil, note: String? = nil, by: String = "Cán bộ")
        async throws -> [FieldChange]
    {
        let report = ProgressReport(task: task, status: status, percent: percent, note: note, by: by)
        let current = try await store.fields(of: .progress, record: "\(identity.commune)/\(task)")
        return try await store.record(try report.writes(commune: identity.commune, current: current), actor: by, node: identity.node)
    }
}

/// A district in a test: a hub store with two tasks for every commune and one for a single
/// commune, and the communes `long-dong` and `bac-quynh`.
struct District {
    let scratch: Scratch
    let hub: HubStore
    let hubClock: ManualClock
    let transport: InMemorySyncTransport

    /// 2026-01-01T00:00:00Z, a fixed "now" for clocks that tests move by hand.
    static let epoch: Int64 = 1_767_225_600_000

    init(scratch: Scratch = Scratch(), maxDrift: Int64 = 2_000) async throws {
        self.scratch = scratch
        hubClock = ManualClock(millis: Self.epoch)
        hub = try HubStore(path: scratch.path("hub.sqlite"), clock: HybridLogicalClock(physical: hubClock.physical, maxDrift: maxDrift))
        transport = InMemorySyncTransport(hub: hub)
        let tasks = """
            {"tasks": [
              {"id": "4.1", "title": "Ban hành quyết định thành lập Ban chỉ đạo", "deadline": "2023-04-19", "communes": "*", "index": "PAR"},
              {"id": "4.3", "title": "Kiểm tra máy tính, máy in, máy quét, đường truyền", "deadline": "2023-04-30", "communes": "*", "index": "PAR"},
              {"id": "9.1", "title": "Nhiệm vụ riêng của Long Đống", "communes": ["long-dong"], "index": "DDCI"},
              {"id": "6.1", "title": "Nhiệm vụ của Phòng Nội vụ", "communes": [], "offices": ["Phòng Nội vụ"], "index": "PAR"}
            ]}
            """
        let tasksPath = scratch.path("tasks.json")
        try tasks.write(toFile: tasksPath, atomically: true, encoding: .utf8)
        try await hub.importTasks(try TaskCatalog.load(path: tasksPath), actor: "test")
        let communesPath = scratch.path("communes.json")
        try #"{"communes": [{"code": "long-dong", "name": "Xã Long Đống"}, {"code": "bac-quynh", "name": "Xã Bắc Quỳnh"}]}"#
            .write(toFile: communesPath, atomically: true, encoding: .utf8)
        try await hub.importCommunes(try CommuneCatalog.load(path: communesPath), actor: "test")
    }

    /// Enrolls a node of `commune` and opens its store with its own clock, `skew` ms off the hub's.
    func node(_ commune: String, skew: Int64 = 0, name: String? = nil) async throws -> Replica {
        let enrollment = try await hub.enroll(commune: commune, name: nil, label: name)
        let clock = ManualClock(millis: hubClock.physical.now() + skew)
        let store = try AgentStore(path: scratch.path("\(enrollment.node).sqlite"), clock: HybridLogicalClock(physical: clock.physical))
        let identity = AgentIdentity(node: enrollment.node, commune: commune, hubURL: "memory://hub", tokenFile: "/dev/null")
        try await store.configureAgent(identity)
        return Replica(store: store, identity: identity, token: enrollment.token, clock: clock)
    }

    /// Whether a node of `commune` must hold the hub's field `key`: its commune's records, its
    /// commune's name, and the tasks assigned to it now.
    static func concerns(_ key: FieldKey, commune: String, hubFields: [FieldKey: (value: FieldValue, stamp: Stamp)]) -> Bool {
        switch key.collection {
        case "progress", "equipment", "attachments", "scores", "assessments": return key.record.hasPrefix(commune + "/")
        case "communes": return key.record == commune
        case "criteria": return true
        default:
            let assignment = hubFields[FieldKey(collection: "tasks", record: key.record, field: "communes")]
            return assignment?.value.text.flatMap(TaskAssignment.init(encoded:))?.includes(commune) == true
        }
    }

    /// Moves the hub's clock and every given node's clock by the same amount.
    func advance(_ delta: Int64, _ replicas: [Replica]) {
        hubClock.advance(by: delta)
        for replica in replicas { replica.clock.advance(by: delta) }
    }
}
