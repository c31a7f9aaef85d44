import ArgumentParser
import CLISupport
import Foundation
import Logging
import SyncCore

/// `commune-agent`: the commune office's side. Officers record progress and equipment checks
/// into the local store, online or not; `sync` exchanges them with the district hub.
@main
struct CommuneAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commune-agent",
        abstract: "Ghi nhận tiến độ nhiệm vụ CCHC và kiểm tra thiết bị của xã; đồng bộ với huyện.",
        discussion: """
            Records the commune's progress on the district's tasks and its equipment checks in a \
            local store that works offline, and syncs it with the district hub.
            Exit codes: 0 ok, 64 wrong flags, 65 invalid input (nothing changed), 69 hub unreachable \
            (nothing lost), 78 invalid configuration, 1 other (e.g. a token the hub refuses).
            """,
        subcommands: [Init.self, TasksCommand.self, Progress.self, Equipment.self, Attach.self, Detach.self, AttachmentsCommand.self,
                      AssessmentCommand.self, Assess.self, Propose.self, Training.self, Inbox.self, Fetch.self, Sync.self, StatusCommand.self, Run.self, Backup.self])

    /// An office PC's agent stays small: the async store and the sync's transfer threads spread
    /// a batch's transient arrays over several threads, and with an arena each a drain's memory
    /// became the sum of their peaks (`Benchmarks/README.md`, run 9: 49 → 60 MB).
    static func main() async {
        limitMallocArenas()
        disableSQLiteMemoryStatistics()
        await main(nil)
    }
}


/// Runs a command body, turning a `SyncError` into the officer's message on stderr and an
/// exit code a script can branch on.
func reportingErrors(_ body: () async throws -> Void) async throws {
    try await CLISupport.reportingErrors({ "Lỗi: \($0.officerMessage) [\($0.code)]" }, body)
}

func printJSON<T: Encodable>(_ value: T) throws {
    print(String(decoding: try WireCoding.encode(value, pretty: true), as: UTF8.self))
}
