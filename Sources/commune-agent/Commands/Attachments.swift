import ArgumentParser
import CLISupport
import Foundation
import Logging
import SyncCore

struct Attach: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Attach an evidence file (PDF, image, Word, Excel, OpenDocument) to a task: stored now, uploaded after the next sync.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The task id, e.g. 4.1 (see `commune-agent tasks`).")
    var task: String

    @Argument(help: "The file, e.g. a scanned decision.")
    var path: String

    @Option(help: "Who attaches it (full name).")
    var by: String

    @Option(help: "The config file (default /etc/commune-agent/config.json when present): files.maxFileMegabytes.")
    var config: String?

    func run() async throws {
        let settings = try await AgentSettings.loadOrExit(file: config)
        try await reportingErrors {
            let store = try store.existing(AgentStore.self)
            let attached = try await store.attachFile(at: path, name: path, task: task, by: by, maxBytes: settings.maxFileBytes)
            print("Đã đính kèm \"\(attached.name)\" (\(VietnameseFormat.bytes(attached.size))) vào nhiệm vụ \(attached.task); sẽ gửi lên huyện sau khi đồng bộ.")
        }
    }
}

struct Detach: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove an evidence file from a task (sent at the next sync; the bytes go once no record needs them).")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The task id.")
    var task: String

    @Argument(help: "The file's SHA-256 (see `commune-agent attachments`).")
    var sha256: String

    @Option(help: "Who removes it (full name).")
    var by: String

    func run() async throws {
        try await reportingErrors {
            let store = try store.existing(AgentStore.self)
            let identity = try await store.agentIdentity()
            let by = by.cleanedInput
            guard !by.isEmpty else { throw SyncError(.invalidInput, "Thiếu người gỡ tệp (--by).") }
            try await store.detach(commune: identity.commune, task: task.cleanedInput, sha256: sha256.lowercased(), by: by, node: identity.node)
            print("Đã gỡ tệp khỏi nhiệm vụ \(task); sẽ báo lên huyện khi đồng bộ.")
        }
    }
}

struct AttachmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attachments", abstract: "List the commune's evidence files and whether the hub has them.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only this task's files.")
    var task: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let attachments = try await store.existing(AgentStore.self).attachments(task: task?.cleanedInput)
            if json { return try printJSON(attachments) }
            if attachments.isEmpty { return print("Chưa có tệp minh chứng nào.") }
            for attachment in attachments {
                let file = attachment.file
                print("Nhiệm vụ \(file.task): \(file.name) (\(VietnameseFormat.bytes(file.size)), \(file.evidenceType?.label ?? file.type))")
                print("    \(attachment.stateLabel) · \(file.by) · \(file.at) · \(file.sha256)")
            }
        }
    }
}

struct Fetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy an evidence file to PATH, downloading it from the hub when this PC does not have it.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The file's SHA-256 (see `commune-agent attachments`).")
    var sha256: String

    @Option(help: "Where to write it.")
    var to: String

    @Option(help: "The config file for TLS and HTTP settings (default /etc/commune-agent/config.json when present).")
    var config: String?

    func run() async throws {
        let settings = try await AgentSettings.loadOrExit(file: config)
        try await reportingErrors {
            let store = try store.existing(AgentStore.self)
            let sha256 = sha256.lowercased()
            guard try await store.attachments().contains(where: { $0.file.sha256 == sha256 }) else {
                throw SyncError(.notFound, "Xã không có tệp minh chứng \(sha256). Xem `commune-agent attachments`.")
            }
            var source = FileStore(beside: store.path).objectPath(sha256)
            if !FileManager.default.fileExists(atPath: source) {
                let (_, token, transport) = try await settings.hubAccess(store)
                source = try await FileUploader(store: store, transport: transport, logger: Logger(label: "commune-agent"))
                    .fetch(sha256, token: token)
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: to, isDirectory: &isDirectory) {
                guard !isDirectory.boolValue else { throw SyncError(.invalidInput, "\(to) là một thư mục: hãy ghi cả tên tệp.") }
                try? FileManager.default.removeItem(atPath: to)
            }
            do {
                try FileManager.default.copyItem(atPath: source, toPath: to)
            } catch {
                throw SyncError(.invalidInput, "Không ghi được \(to): \(error.localizedDescription)")
            }
            print("Đã lưu tệp vào \(to).")
        }
    }
}
