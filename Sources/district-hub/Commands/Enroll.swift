import ArgumentParser
import CLISupport
import Foundation
import SyncCore

struct Enroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a node credential for a commune and print its token once (the last line).")

    @OptionGroup var store: StoreOptions

    @Option(help: "The commune code, e.g. long-dong; created when unknown.")
    var commune: String

    @Option(help: "The commune's name, e.g. \"Xã Long Đống\".")
    var name: String?

    @Option(help: "What the node is, e.g. \"one-stop desk PC\".")
    var label: String?

    @Option(help: "Also write the token to this new file, readable by its owner only (mode 0600).")
    var tokenFile: String?

    func validate() throws {
        guard Identifiers.isCommuneCode(commune) else {
            throw ValidationError("--commune must be lowercase ASCII letters, digits and '-' (at most 32), e.g. long-dong")
        }
    }

    func run() async throws {
        if let tokenFile, FileManager.default.fileExists(atPath: tokenFile) {
            throw ValidationError("--token-file \(tokenFile) exists; choose a new file")
        }
        let hub = try store.create(HubStore.self)
        let known = try await hub.records(of: .communes)[commune] != nil
        let enrollment = try await hub.enroll(commune: commune, name: name, label: label)
        if !known {
            // Enrolling creates the commune; a typo would create a stray one, so say so.
            try? FileHandle.standardError.write(contentsOf: Data("note: commune \(commune) was not known and has been created (name: \(name ?? commune)); check the code if that is a surprise\n".utf8))
        }
        if let tokenFile {
            guard FileManager.default.createFile(atPath: tokenFile, contents: Data((enrollment.token + "\n").utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(tokenFile)")
            }
        }
        print("node: \(enrollment.node)")
        print("commune: \(enrollment.commune)")
        print("The token below is shown only once; put it in the agent's token file.")
        print(enrollment.token)
    }
}

struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Revoke a node's token.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The node id, e.g. n-1a2b3c4d5e6f7a8b.")
    var node: String

    func run() async throws {
        try await store.existing(HubStore.self).revoke(node: node)
        print("revoked \(node)")
    }
}
