import ArgumentParser
import CLISupport
import Foundation
import SyncCore

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the merged status: communes, their progress on each task, their equipment.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only this commune.")
    var commune: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() async throws {
        var status = try await store.existing(HubStore.self).hubStatus()
        if let commune {
            status.communes = status.communes.filter { $0.code == commune }
            guard !status.communes.isEmpty else { throw ValidationError("no commune \(commune) at this hub") }
        }
        if json {
            print(String(decoding: try WireCoding.encode(status, pretty: true), as: UTF8.self))
            return
        }
        let communeTasks = status.tasks.filter { $0.assignment != .communes([]) }
        print("Tổng hợp: \(status.communes.count) xã, thị trấn; \(status.tasks.count) nhiệm vụ (\(communeTasks.count) giao cho xã)")
        print("Nhiệm vụ giao cho xã:")
        for task in communeTasks {
            print("  \(task.id.padding(toLength: 5, withPad: " ", startingAt: 0)) \(task.title) (hạn \(VietnameseFormat.day(task.deadline)))")
        }
        for commune in status.communes {
            print("\n\(commune.name) (\(commune.code))")
            for task in communeTasks where task.assignment.includes(commune.code) {
                let progress = commune.progress[task.id] ?? [:]
                let state = progress["status"]?.text.flatMap(ProgressStatus.init(rawValue:)) ?? .notStarted
                let percent = progress["percent"]?.int.map { " \($0)%" } ?? ""
                let by = progress["by"]?.text.map { " — \($0)" } ?? ""
                print("  \(task.id.padding(toLength: 5, withPad: " ", startingAt: 0)) \(state.label)\(percent)\(by)")
            }
            for kind in EquipmentKind.allCases {
                guard let check = commune.equipment[kind.rawValue] else { continue }
                print("  \(kind.label): \(describe(check, kind: kind))")
            }
        }
    }

    private func describe(_ check: [String: FieldValue], kind: EquipmentKind) -> String {
        if kind.isDevice {
            var parts = ["\(check["working"]?.description ?? "?")/\(check["total"]?.description ?? "?") hoạt động"]
            if let needed = check["needed"]?.int, needed > 0 { parts.append("cần thêm \(needed)") }
            if let cost = check["cost"]?.int, cost > 0 { parts.append("dự toán \(VietnameseFormat.money(cost))") }
            return parts.joined(separator: ", ")
        }
        let state = check["state"]?.text.flatMap(InternetState.init(rawValue:))?.label ?? "?"
        let provider = check["provider"]?.text.map { ", \($0)" } ?? ""
        let mbps = check["mbps"].map { ", \($0) Mbps" } ?? ""
        return state + provider + mbps
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the audit trail, or archive a closed year's.",
        subcommands: [AuditShow.self, AuditArchiveCommand.self], defaultSubcommand: AuditShow.self)
}

struct AuditShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print the audit trail: every change received, with its outcome (the default).")

    @Option(help: "The hub's store.")
    var db: String?

    @Option(help: "Read a closed year's archive (made by `audit archive`) instead of the store.")
    var archive: String?

    @Option(help: "Only what concerns this commune.")
    var commune: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func validate() throws {
        guard (db == nil) != (archive == nil) else { throw ValidationError("give --db FILE, or --archive FILE for a closed year's audit") }
    }

    func run() async throws {
        try await reportingErrors {
            // The whole trail, however long, read and printed 10,000 entries at a time.
            let read: @Sendable (AuditFilter) async throws -> [AuditEntry]
            if let archive {
                let file = try AuditArchive(path: archive)
                read = { try file.audit($0) }
            } else {
                let store = try StoreOptions(db: db!).existing(HubStore.self)
                read = { try await store.audit($0) }
            }
            var first = true
            if json { print("[") }
            try await AuditFilter(commune: commune, limit: 10_000).forEachBatch(read: read) { entries in
                for entry in entries {
                    if json {
                        print((first ? "" : ",\n") + String(decoding: try WireCoding.encode(entry, pretty: true), as: UTF8.self), terminator: "")
                    } else {
                        print(Self.line(entry))
                    }
                    first = false
                }
            }
            if json { print(first ? "]" : "\n]") }
        }
    }

    static func line(_ entry: AuditEntry) -> String {
        var line = "\(VietnameseFormat.dateTime(millis: entry.receivedAtMillis, seconds: true)) \(entry.outcome.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) "
            + "\(entry.collection)/\(entry.record) \(entry.field)=\"\(entry.value)\" [\(entry.actor), \(entry.node)]"
        if entry.outcome == .lost, let winner = entry.oldValue { line += " kept \"\(winner)\"" }
        if let reason = entry.reason { line += "; \(entry.reasonCode ?? ""): \(reason)" }
        return line
    }
}

struct AuditArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Move a closed year's audit rows into a SQLite file of their own.",
        discussion: """
            Every row is copied and synced to the archive, read back and compared, and only then \
            deleted from the store; running it again after a crash finishes the job. The store \
            remembers the archive: reports of later periods read it, and `audit --archive FILE` \
            prints it. Keep the file with the backups.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "The closed year (before this one) whose audit to move.")
    var year: Int

    @Option(help: "The archive file (created, or added to when it is this year's).")
    var to: String

    func run() async throws {
        try await reportingErrors {
            let result = try await store.existing(HubStore.self).archiveAudit(year: year, to: to)
            print("audit \(result.year): \(result.removed) rows moved to \(to) (\(result.copied) copied now, \(result.archived) in the archive)")
        }
    }
}
