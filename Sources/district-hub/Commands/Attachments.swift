import ArgumentParser
import CLISupport
import Foundation
import SyncCore

struct AttachmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attachments", abstract: "List the communes' evidence files and whether the hub holds them.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only this commune's files.")
    var commune: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() async throws {
        let attachments = try await store.existing(HubStore.self).attachments(commune: commune)
        if json {
            print(String(decoding: try WireCoding.encode(attachments, pretty: true), as: UTF8.self))
            return
        }
        for attachment in attachments {
            let file = attachment.file
            print("\(file.commune) \(file.task) \(file.name) (\(VietnameseFormat.bytes(file.size)), \(file.evidenceType?.label ?? file.type)) "
                + "\(attachment.stored ? "đã nhận" : "chưa nhận đủ") · \(file.by) · \(file.at) · \(file.sha256)")
        }
    }
}

struct Fetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a stored evidence file to PATH.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The file's SHA-256 (see `district-hub attachments`).")
    var sha256: String

    @Option(help: "Where to write it.")
    var to: String

    func run() async throws {
        let hub = try store.existing(HubStore.self)
        let sha256 = sha256.lowercased()
        guard EvidenceFile.isDigest(sha256), try await hub.storedFile(sha256) != nil else {
            ExitStatus.dataError.exit(saying: "district-hub: no stored file \(sha256) (see district-hub attachments)")
        }
        let source = FileStore(beside: hub.path).objectPath(sha256)
        if FileManager.default.fileExists(atPath: to) { try? FileManager.default.removeItem(atPath: to) }
        do {
            try FileManager.default.copyItem(atPath: source, toPath: to)
        } catch {
            ExitStatus.dataError.exit(saying: "district-hub: cannot write \(to): \(error.localizedDescription)")
        }
        print("wrote \(to)")
    }
}
