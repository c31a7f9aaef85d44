import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SyncCore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the sync API.")

    @OptionGroup var store: StoreOptions

    @Option(help: "HOST:PORT to listen on (port 0 picks a free port).")
    var listen: String = "127.0.0.1:8080"

    func validate() throws {
        _ = try ListenAddress(listen)
    }

    func run() async throws {
        bootstrapLogging()
        let logger = Logger(label: "district-hub")
        let address = try ListenAddress(listen)
        let store = try Store(path: store.db)
        let journalMode = try store.pragma("journal_mode")
        let synchronous = try store.pragma("synchronous")
        logger.info("store.opened", metadata: [
            "store.path": "\(store.path)", "store.journal_mode": "\(journalMode)", "store.synchronous": "\(synchronous)",
        ])
        let app = buildApplication(store: store, host: address.host, port: address.port, logger: logger) { port in
            // Scripts and tests read the bound port from this line.
            FileHandle.standardOutput.write(Data("district-hub listening on http://\(address.host):\(port)\n".utf8))
        }
        try await app.runService()
        try store.checkpoint()
    }
}

/// `HOST:PORT` as given to `--listen`.
struct ListenAddress {
    var host: String
    var port: Int

    init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port), colon != text.startIndex
        else { throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:8080, not \(text)") }
        host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.port = port
    }
}
