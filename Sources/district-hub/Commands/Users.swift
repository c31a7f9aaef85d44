import ArgumentParser
import Foundation
import HummingbirdBcrypt
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

    @Option(help: "viewer | admin")
    var role: String

    @Option(help: "A file whose first line is the password (never on the command line).")
    var passwordFile: String

    /// Shorter passwords are refused: the dashboard can be reached across the district LAN.
    static let minimumLength = 10

    func validate() throws {
        guard DashboardRole(rawValue: role) != nil else { throw ValidationError("--role must be viewer or admin") }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: passwordFile) else {
            throw ValidationError("cannot read --password-file \(passwordFile)")
        }
        let password = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard password.count >= Self.minimumLength else {
            throw ValidationError("the password must have at least \(Self.minimumLength) characters")
        }
        // bcrypt, cost 12: about a quarter of a second per guess on this class of machine.
        try await store.open().addUser(name: user, passwordHash: Bcrypt.hash(password, cost: 12), role: DashboardRole(rawValue: role)!)
        print("user \(user.cleanedInput) (\(role)) saved")
    }
}
