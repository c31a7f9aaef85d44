import ArgumentParser
import CLISupport
import SyncCore

/// `--attach PATH`… and `--config`: the evidence files a command stores with its record.
struct EvidenceOptions: ParsableArguments {
    @Option(help: "An evidence file to attach (repeat for several).")
    var attach: [String] = []

    @Option(help: "The config file (default /etc/commune-agent/config.json when present): files.maxFileMegabytes.")
    var config: String?

    /// Attaches every file to `subject` (a task, `<year>/<criterion>`, `proposals/<id>`) as `by`
    /// did, saying so for each.
    func attachAll(to subject: String, store: AgentStore, by: String, maxBytes: Int64) async throws {
        for path in attach {
            let file = try await store.attachFile(at: path, name: path, task: subject, by: by, maxBytes: maxBytes)
            print("Đã đính kèm \"\(file.name)\" (\(VietnameseFormat.bytes(file.size))).")
        }
    }
}
