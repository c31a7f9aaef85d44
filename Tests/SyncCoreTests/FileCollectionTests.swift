import Foundation
import SyncCore
import TestSupport
import Testing

/// Files no record needs are removed after the grace period, and only then.
@Suite("File collection")
struct FileCollectionTests {
    @Test("a file whose records are all removed goes after the grace period; one a live record names stays; so do fresh partial uploads")
    func collectsAfterGrace() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("collect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ManualClock(millis: Int64(Date().timeIntervalSince1970 * 1000))
        let store = try HubStore(path: directory.appendingPathComponent("hub.sqlite").path, clock: HybridLogicalClock(physical: clock.physical))
        let files = FileStore(beside: store.path)
        try await store.recordDistrict([FieldWrite(collection: "tasks", record: "4.1", field: "communes", value: .text("*"))], actor: "test")

        var digests: [String] = []
        for seed in 1...2 {
            let source = directory.appendingPathComponent("\(seed).pdf").path
            try Data("%PDF-1.4 \(seed)".utf8).write(to: URL(fileURLWithPath: source))
            let (sha256, size) = try files.ingest(path: source, maxBytes: 1 << 20)
            try await store.recordStoredFile(StoredFile(sha256: sha256, size: size, type: .pdf), commune: "long-dong")
            let file = EvidenceFile(sha256: sha256, commune: "long-dong", task: "4.1", name: "\(seed).pdf", size: size, type: .pdf,
                                    by: "Nguyễn Văn An", at: "2026-12-01T00:00:00Z")
            try await store.recordDistrict(try file.writes(), actor: "test")
            digests.append(sha256)
        }
        // The first file's record is removed; a partial upload lies about.
        try await store.recordDistrict([FieldWrite(collection: "attachments", record: "long-dong/4.1/\(digests[0])", field: "_deleted",
                                                   value: .int(1))], actor: "test")
        let partial = files.partialPath(commune: "long-dong", sha256: String(repeating: "c", count: 64))
        try FileManager.default.createDirectory(atPath: (partial as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("%PDF".utf8).write(to: URL(fileURLWithPath: partial))

        let early = try await store.collectFiles(grace: .seconds(3_600))
        #expect(early.removed.isEmpty && early.abandoned == 0)
        #expect(files.contains(digests[0]))

        clock.advance(by: .seconds(7_200))
        let late = try await store.collectFiles(grace: .seconds(3_600))
        #expect(late.removed == [digests[0]])
        #expect(late.abandoned == 1)
        #expect(!files.contains(digests[0]))
        #expect(files.contains(digests[1]))
        #expect(try await store.storedFile(digests[0]) == nil)
        #expect(try await store.storedFile(digests[1]) != nil)
    }

    @Test("a district office's file stays while its record lives and goes after the grace period once it is removed")
    func officeFiles() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("collect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ManualClock(millis: Int64(Date().timeIntervalSince1970 * 1000))
        let store = try HubStore(path: directory.appendingPathComponent("hub.sqlite").path, clock: HybridLogicalClock(physical: clock.physical))
        let source = directory.appendingPathComponent("ke-hoach.pdf").path
        try Data("%PDF-1.4 kế hoạch".utf8).write(to: URL(fileURLWithPath: source))
        let file = try await store.attachOfficeFile(at: source, name: "Kế hoạch.pdf", office: "Phòng Nội vụ", task: "6.1", by: "noi-vu",
                                                    maxBytes: 1 << 20)
        #expect(file.recordID == "phong-noi-vu/6.1/\(file.sha256)")
        #expect(try await store.officeAttachments(office: "Phòng Nội vụ")["6.1"]?.map(\.name) == ["Kế hoạch.pdf"])
        #expect(try await store.announcedFile(file.sha256)?.name == "Kế hoạch.pdf")
        // No commune's quota pays for it, and no commune may fetch it.
        #expect(try await store.storedBytesByCommune().isEmpty)
        #expect(try await store.announcedFile(file.sha256, commune: "phong-noi-vu") == nil)

        clock.advance(by: .seconds(7_200))
        #expect(try await store.collectFiles(grace: .seconds(3_600)).removed.isEmpty)
        try await store.detachOfficeFile(office: "Phòng Nội vụ", task: "6.1", sha256: file.sha256, by: "noi-vu")
        #expect(try await store.officeAttachments(office: "Phòng Nội vụ").isEmpty)
        await #expect(throws: SyncError.self) {
            try await store.detachOfficeFile(office: "Phòng Nội vụ", task: "6.1", sha256: file.sha256, by: "noi-vu")
        }
        clock.advance(by: .seconds(7_200))
        #expect(try await store.collectFiles(grace: .seconds(3_600)).removed == [file.sha256])
    }
}
