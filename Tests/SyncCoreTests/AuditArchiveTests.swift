import Foundation
import SyncCore
import TestSupport
import Testing

/// A closed year's audit moves to a file of its own without losing a row, stays readable, and
/// still answers the reports of later periods.
@Suite("Audit archive")
struct AuditArchiveTests {
    static func millis(_ day: String) -> Int64 { CalendarDay(day)!.startMillis }

    @Test("archiving 2024 moves exactly its rows, checked; running again changes nothing; the archive reads as the store did")
    func movesAClosedYear() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ManualClock(millis: Self.millis("2024-06-01"))
        let store = try HubStore(path: directory.appendingPathComponent("hub.sqlite").path, clock: HybridLogicalClock(physical: clock.physical))
        let node = try await store.enroll(commune: "long-dong", name: nil, label: nil)
        var seq: Int64 = 0
        func push(_ field: String, _ value: FieldValue) async throws {
            seq += 1
            _ = try await store.exchange(SyncRequest(node: node.node, commune: "long-dong", clock: 0, cursor: 0, changes: [
                PushedChange(seq: seq, collection: "equipment", record: "long-dong/computer", field: field, value: value,
                             hlc: HLC(wall: clock.physical.now()), actor: "Nguyễn Văn An"),
            ]), from: try await store.authenticate(token: node.token))
        }
        // 2024: the communes, a computer check; 2025: another field; 2026: the cost changes.
        try await store.recordDistrict([FieldWrite(collection: "communes", record: "long-dong", field: "name", value: .text("Xã Long Đống"))],
                                       actor: "test")
        try await push("cost", .int(1_000_000))
        try await push("total", .int(3))
        clock.set(Self.millis("2025-03-01"))
        try await push("working", .int(2))
        clock.set(Self.millis("2026-02-01"))
        try await push("cost", .int(2_000_000))

        let year2024 = AuditFilter(fromMillis: Self.millis("2024-01-01"), toMillis: Self.millis("2025-01-01"))
        let before = try await store.audit(year2024)
        let others = try await store.audit(AuditFilter(fromMillis: Self.millis("2025-01-01")))
        #expect(before.count == 4 && others.count == 2)

        let path = directory.appendingPathComponent("audit-2024.sqlite").path
        await #expect(throws: SyncError.self) { try await store.archiveAudit(year: 2026, to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
        let moved = try await store.archiveAudit(year: 2024, to: path)
        #expect((moved.year, moved.copied, moved.removed, moved.archived) == (2024, 4, 4, 4))
        #expect(try await store.audit(year2024).isEmpty)
        #expect(try await store.audit(AuditFilter()) == others)
        let archive = try AuditArchive(path: path)
        #expect(archive.year == 2024 && archive.rows == 4)
        #expect(try archive.audit(AuditFilter()) == before)
        #expect(try archive.audit(AuditFilter(outcome: .applied, newestFirst: true, limit: 1)) == [before.last!])

        // Again: nothing to move, nothing lost; another year into this file is refused.
        let again = try await store.archiveAudit(year: 2024, to: path)
        #expect((again.copied, again.removed, again.archived) == (0, 0, 4))
        await #expect(throws: SyncError.self) { try await store.archiveAudit(year: 2025, to: path) }
        #expect(try AuditArchive(path: path).audit(AuditFilter()) == before)

        // The report for 2025's end still sees the 2024 cost, though 2026 changed it.
        let asOf = try await store.records(of: [.equipment], asOf: Self.millis("2026-01-01"))
        #expect(asOf[.equipment]?["long-dong/computer"] == ["cost": .int(1_000_000), "total": .int(3), "working": .int(2)])
        // An archive moved away is named when a report needs it.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".moved")
        await #expect(throws: SyncError.self) { try await store.records(of: [.equipment], asOf: Self.millis("2026-01-01")) }
        #expect(throws: SyncError.self) { try AuditArchive(path: directory.appendingPathComponent("hub.sqlite").path) }
    }
}
