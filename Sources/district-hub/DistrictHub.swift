import ArgumentParser
import CLISupport
import Logging
import SyncCore

/// `district-hub`: the district's sync server and its admin commands.
@main
struct DistrictHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "district-hub",
        abstract: "The district hub: merges the communes' changes, keeps the audit trail, sends tasks down.",
        subcommands: [Serve.self, Enroll.self, Revoke.self, Tasks.self, Plan.self, Communes.self, Status.self, Audit.self,
                      Nodes.self, AttachmentsCommand.self, Fetch.self, Criteria.self, AssessmentCommand.self, Appraise.self, Proposals.self, TrainingCommand.self, Report.self,
                      Backup.self, Restore.self, Users.self])

    static func main() async {
        disableSQLiteMemoryStatistics()
        await main(nil)
    }
}

/// Runs a command body: a `SyncError` is its message on stderr and its exit status (65 for
/// refused input; nothing was changed).
func reportingErrors(_ body: () async throws -> Void) async throws {
    try await CLISupport.reportingErrors({ "district-hub: \($0.message) [\($0.code)]" }, body)
}
