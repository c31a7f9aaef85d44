import Foundation
import GRDB
import SyncCore
import Testing

/// The dashboard's pages read only the part of the communes' state they show: each scope
/// gives exactly that part of the whole.
@Suite("Status scopes")
struct StatusScopeTests {
    @Test("a commune's, a task's and the equipment scope each equal that part of the whole status")
    func scopes() async throws {
        let hub = try HubStore(writer: try DatabaseQueue())
        try await hub.recordDistrict([
            FieldWrite(collection: "communes", record: "long-dong", field: "name", value: .text("Xã Long Đống")),
            FieldWrite(collection: "communes", record: "bac-quynh", field: "name", value: .text("Xã Bắc Quỳnh")),
        ] + ["4.1", "4.2", "4.10"].map { FieldWrite(collection: "tasks", record: $0, field: "communes", value: .text("*")) }, actor: "test")
        for (commune, count) in [("long-dong", 3), ("bac-quynh", 2)] {
            let node = try await hub.enroll(commune: commune, name: nil, label: nil)
            let tasks = ["4.1", "4.2", "4.10"]
            var changes: [PushedChange] = []
            for index in 0..<count {
                changes.append(PushedChange(seq: Int64(index + 1), collection: "progress", record: commune + "/" + tasks[index],
                                            field: "percent", value: .int(Int64(10 * (index + 1))), hlc: HLC(wall: 1_000), actor: "A"))
            }
            changes.append(PushedChange(seq: Int64(count + 1), collection: "equipment", record: commune + "/computer", field: "total",
                                        value: .int(Int64(count)), hlc: HLC(wall: 1_000), actor: "A"))
            _ = try await hub.exchange(SyncRequest(node: node.node, commune: commune, clock: 0, cursor: 0, changes: changes),
                                       from: try await hub.authenticate(token: node.token))
        }
        let all = try await hub.hubStatus()
        func whole(_ code: String) -> CommuneStatus { all.communes.first { $0.code == code }! }
        #expect(all.communes.map(\.code) == ["bac-quynh", "long-dong"] && whole("long-dong").progress.count == 3)

        let one = try await hub.hubStatus(.commune("long-dong"))
        #expect(one.communes.map(\.code) == ["bac-quynh", "long-dong"])
        #expect(one.communes[1].progress == whole("long-dong").progress && one.communes[1].equipment == whole("long-dong").equipment)
        #expect(one.communes[0].progress.isEmpty && one.communes[0].equipment.isEmpty)

        // "4.1" must not also take "4.10"'s records.
        let task = try await hub.hubStatus(.tasks(["4.1"]))
        for status in task.communes {
            #expect(status.progress == whole(status.code).progress.filter { $0.key == "4.1" } && status.equipment.isEmpty)
        }
        let equipment = try await hub.hubStatus(.equipment)
        for status in equipment.communes {
            #expect(status.equipment == whole(status.code).equipment && status.progress.isEmpty)
        }
        #expect(equipment.tasks == all.tasks)
    }
}
