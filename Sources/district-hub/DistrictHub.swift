import ArgumentParser
import Logging
import SyncCore

/// `district-hub`: the district's sync server and its admin commands.
@main
struct DistrictHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "district-hub",
        abstract: "The district hub: merges the communes' changes, keeps the audit trail, sends tasks down.",
        subcommands: [Serve.self, Enroll.self, Revoke.self, Tasks.self, Plan.self, Communes.self, Status.self, Audit.self,
                      Nodes.self, AttachmentsCommand.self, Fetch.self, Criteria.self, AssessmentCommand.self, Appraise.self, Proposals.self, TrainingCommand.self,
                      Backup.self, Restore.self, Users.self])

    static func main() async {
        disableSQLiteMemoryStatistics()
        await main(nil)
    }
}
