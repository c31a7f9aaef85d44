import Foundation
import Synchronization
import SyncCore
import TestSupport
import Testing

@testable import district_hub

extension DashboardTests {
    /// A PNG and a PDF that long-dong attached to its report on 4.3, held whole at the hub.
    static func attachFiles(_ store: HubStore) async throws -> (png: String, pdf: String, pdfBytes: Data) {
        let node = try await store.enroll(commune: "long-dong", name: nil, label: "scanner")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 600))
        let pdf = Data("%PDF-1.4\n".utf8 + Array(repeating: 0x20, count: 900))
        var changes: [PushedChange] = []
        var digests: [String] = []
        for (name, bytes, type) in [("Ảnh hội nghị.png", png, EvidenceType.png), ("Quyết định 45.pdf", pdf, .pdf)] {
            let source = directory.appendingPathComponent(name).path
            try bytes.write(to: URL(fileURLWithPath: source))
            let (sha256, size) = try FileStore(beside: store.path).ingest(path: source, maxBytes: 1 << 20)
            try await store.recordStoredFile(StoredFile(sha256: sha256, size: size, type: type), commune: "long-dong")
            let file = EvidenceFile(sha256: sha256, commune: "long-dong", task: "4.3", name: name, size: size, type: type,
                                    by: "Nguyễn Văn An", at: "2026-12-01T02:00:00Z")
            for write in try file.writes() {
                changes.append(PushedChange(seq: Int64(changes.count + 1), collection: write.collection, record: write.record, field: write.field,
                                            value: write.value, hlc: HLC(wall: 2_000 + Int64(digests.count)), actor: file.by))
            }
            digests.append(sha256)
        }
        _ = try await store.exchange(SyncRequest(node: node.node, commune: "long-dong", clock: 0, cursor: 0, changes: changes),
                                     from: try await store.authenticate(token: node.token))
        return (digests[0], digests[1], pdf)
    }

    @Test("district staff see a commune's files beside its report, an image as a thumbnail, and open them; nobody else does")
    func evidenceFiles() async throws {
        let attached = Mutex<(png: String, pdf: String, pdfBytes: Data)?>(nil)
        try await browse(prepare: { store in
            let files = try await Self.attachFiles(store)
            attached.withLock { $0 = files }
        }) { browser in
            let files = try #require(attached.withLock { $0 })
            #expect(try browser.get("/files/\(files.pdf)").status == 303)
            try signIn(browser)
            #expect(try browser.get("/communes/long-dong").status == 200)
            #expect(browser.lastPage.contains("Tệp minh chứng"))
            #expect(browser.lastPage.contains("Quyết định 45.pdf"))
            #expect(browser.lastPage.contains("<img class=\"thumb\" src=\"/files/\(files.png)\""))
            #expect(try browser.get("/tasks/4.3").status == 200)
            #expect(browser.lastPage.contains("href=\"/files/\(files.pdf)\""))
            #expect(browser.lastPage.contains("Nguyễn Văn An, 01/12/2026 09:00"))
            let opened = try browser.get("/files/\(files.pdf)")
            #expect(opened.status == 200)
            #expect(opened.body == files.pdfBytes)
            #expect(opened.header("content-type") == "application/pdf")
            #expect(opened.header("content-disposition")?.hasPrefix("inline") == true)
            #expect(opened.headers.contains { $0.name == "content-security-policy" && $0.value.contains("sandbox") })
            #expect(try browser.get("/files/\(String(repeating: "a", count: 64))").status == 404)
        }
    }
}
