import ArgumentParser
import SyncCore

struct Enroll: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a node credential for a commune and print its token once (the last line).")

    @OptionGroup var store: StoreOptions

    @Option(help: "The commune code, e.g. long-dong; created when unknown.")
    var commune: String

    @Option(help: "The commune's name, e.g. \"Xã Long Đống\".")
    var name: String?

    @Option(help: "What the node is, e.g. \"one-stop desk PC\".")
    var label: String?

    func validate() throws {
        guard Identifiers.isCommuneCode(commune) else {
            throw ValidationError("--commune must be lowercase ASCII letters, digits and '-' (at most 32), e.g. long-dong")
        }
    }

    func run() throws {
        let enrollment = try Store(path: store.db).enroll(commune: commune, name: name, label: label)
        print("node: \(enrollment.node)")
        print("commune: \(enrollment.commune)")
        print("The token below is shown only once; put it in the agent's token file.")
        print(enrollment.token)
    }
}

struct Revoke: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Revoke a node's token.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The node id, e.g. n-1a2b3c4d5e6f7a8b.")
    var node: String

    func run() throws {
        try store.existing().revoke(node: node)
        print("revoked \(node)")
    }
}
