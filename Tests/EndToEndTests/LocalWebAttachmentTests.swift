import Foundation
import SyncCore
import TestSupport
import Testing

/// Evidence files through the officer's screen: the file input, the list with upload states,
/// and opening a file.
@Suite("The officer's screen: evidence files", .serialized)
struct LocalWebAttachmentTests {
    @Test("a file posted on a task's page is stored, listed, uploaded after the sync and opens inline, then removed; a program is refused with nothing stored")
    func uploadThroughTheScreen() async throws {
        let office = try await LocalWebTests.Office()
        let scanPath = office.setup.workspace.path("scan.pdf")
        try AttachmentTests.makePDF(scanPath, size: 300_000, seed: 7)
        let scan = try Data(contentsOf: URL(fileURLWithPath: scanPath))
        let sha256 = try FileStore.sha256(ofFile: scanPath)

        #expect(try office.browser.get("/tasks/4.1").status == 200)
        #expect(office.browser.lastPage.contains("enctype=\"multipart/form-data\""))
        let reply = try office.browser.upload("/attachments", ["task": "4.1", "by": "Nguyễn Văn An"],
                                              file: ("file", "Quyết định 45.pdf", scan))
        #expect(reply.status == 303)
        #expect(reply.header("location") == "/tasks/4.1?flash=attached")
        let attached = try await office.store().attachments(task: "4.1")
        #expect(attached.map(\.file.sha256) == [sha256])
        #expect(attached.first?.file.name == "Quyết định 45.pdf")
        #expect(attached.first?.file.by == "Nguyễn Văn An")

        // The daemon syncs after the write, then uploads; the page shows where the file is.
        try await waitUntil { try await office.store().attachments(task: "4.1").first?.state == .uploaded }
        #expect(try office.browser.get("/tasks/4.1").status == 200)
        #expect(office.browser.lastPage.contains("Quyết định 45.pdf"))
        #expect(office.browser.lastPage.contains(UploadState.uploaded.label))
        #expect(FileManager.default.fileExists(atPath: FileStore(beside: office.setup.hubDB).objectPath(sha256)))

        let opened = try office.browser.get("/files/\(sha256)")
        #expect(opened.status == 200)
        #expect(opened.body == scan)
        #expect(opened.header("content-type") == "application/pdf")
        #expect(opened.header("content-disposition")?.hasPrefix("inline") == true)
        #expect(try office.browser.get("/files/\(String(repeating: "0", count: 64))").status == 404)

        // A program named .pdf: the page answers with the reason, and nothing is stored.
        #expect(try office.browser.get("/tasks/4.1").status == 200)
        let program = Data([0x4D, 0x5A, 0x90, 0x00] + Array(repeating: 0x41, count: 5_000))
        let refused = try office.browser.upload("/attachments", ["task": "4.1", "by": "Nguyễn Văn An"], file: ("file", "bao-cao.pdf", program))
        #expect(refused.status == 422)
        #expect(office.browser.lastPage.contains("Loại tệp không được chấp nhận"))
        #expect(try await office.store().attachments().count == 1)

        // Removed from the task's page: a tombstone, which reaches the hub with the next sync.
        #expect(try office.browser.get("/tasks/4.1").status == 200)
        let removed = try office.browser.post("/attachments/remove", ["task": "4.1", "sha256": sha256, "by": "Nguyễn Văn An"])
        #expect(removed.status == 303)
        #expect(try await office.store().attachments().isEmpty)
        try await waitUntil {
            try await HubStore(path: office.setup.hubDB, create: false).attachments().isEmpty
        }

        // Without the CSRF token nothing is stored either.
        let forged = try office.browser.upload("/attachments", ["task": "4.1", "by": "X"], file: ("file", "x.pdf", scan), csrf: "forged")
        #expect(forged.status == 403)
        #expect(try await office.store().attachments().isEmpty)
    }
}
