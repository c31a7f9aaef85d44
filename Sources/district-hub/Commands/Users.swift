import ArgumentParser
import CLISupport
import Foundation
import SyncCore

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage the district staff who sign in to the dashboard.", subcommands: [AddUser.self])
}

struct AddUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Create an account (or reset its password and role); the password is read from a file.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The sign-in name.")
    var user: String

    @Option(help: "viewer | admin | office")
    var role: String

    @Option(help: "With --role office: the office, as the tasks name it, e.g. \"Phòng Nội vụ\".")
    var office: String?

    @Option(help: "A file whose first line is the password (never on the command line).")
    var passwordFile: String

    func validate() throws {
        guard DashboardRole(rawValue: role) != nil else { throw ValidationError("--role must be viewer, admin or office") }
        guard (role == DashboardRole.office.rawValue) == (office != nil) else {
            throw ValidationError("--office goes with --role office, and --role office needs it")
        }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: passwordFile) else {
            throw ValidationError("cannot read --password-file \(passwordFile)")
        }
        let password = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if let refusal = DashboardPassword.refusal(password) { throw ValidationError(refusal) }
        try await store.create(HubStore.self).addUser(name: user, passwordHash: DashboardPassword.hash(password), role: DashboardRole(rawValue: role)!,
                                                      office: office)
        print("user \(user.cleanedInput) (\(role)\(office.map { ", " + $0.cleanedInput } ?? "")) saved")
    }
}
