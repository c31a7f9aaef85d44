import ArgumentParser
import CLISupport
import Foundation
import SyncCore

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set up this office's store: which hub, which commune, where the node token is.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The hub's address, e.g. https://hub.bacson.example:8443")
    var hub: String

    @Option(help: "This commune's code, e.g. long-dong.")
    var commune: String

    @Option(help: "The file holding the node token `district-hub enroll` printed.")
    var tokenFile: String

    @Flag(help: "Let a newly enrolled node take over this store (after restoring it from a backup).")
    var rebind = false

    func validate() throws {
        guard let url = URL(string: hub), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw ValidationError("--hub must be an http:// or https:// address, not \(hub)")
        }
        guard Identifiers.isCommuneCode(commune) else {
            throw ValidationError("--commune must be a commune code such as long-dong")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let token = try NodeToken.read(tokenFile)
            try token.check(commune: commune)
            let path = URL(fileURLWithPath: tokenFile).standardizedFileURL.path
            let identity = AgentIdentity(node: token.node, commune: commune, hubURL: hub, tokenFile: path)
            try await store.create(AgentStore.self).configureAgent(identity, rebind: rebind)
            print("Đã khởi tạo máy \(identity.node) cho đơn vị mã \(commune), máy chủ huyện \(hub).")
            print("Chạy `commune-agent sync --db \(store.db)` để nhận nhiệm vụ.")
        }
    }
}
