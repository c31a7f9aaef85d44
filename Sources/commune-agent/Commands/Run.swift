import ArgumentParser
import CLISupport
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SyncCore
import WebSupport

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the agent as a daemon: sync on an interval and after every local write (systemd Type=notify).")

    @OptionGroup var store: StoreOptions

    @Option(help: "The config file (default /etc/commune-agent/config.json when present).")
    var config: String?

    @Option(help: "HOST:PORT of the officer's screen (default 127.0.0.1:8181; port 0 picks a free one).")
    var web: String?

    @Flag(help: "Let the officer's screen listen beyond this machine (it has no sign-in: anyone who reaches it can report). Also web.allowRemote.")
    var allowRemoteScreen = false

    func validate() throws {
        if let web, HostAndPort(web) == nil {
            throw ValidationError("--web takes HOST:PORT, e.g. 127.0.0.1:8181, not \(web)")
        }
    }

    func run() async throws {
        let settings = try await AgentSettings.loadOrExit(file: config)
        KeyValueLogHandler.bootstrap(level: settings.logLevel)
        let logger = Logger(label: "commune-agent")
        let address = web.flatMap(HostAndPort.init) ?? settings.web
        if !address.isLoopback {
            guard allowRemoteScreen || settings.webAllowRemote else {
                ExitStatus.config.exit(saying: "commune-agent: the officer's screen would listen on \(address), beyond this machine, and it has no sign-in; use a loopback address such as 127.0.0.1:8181, or say so with --allow-remote-screen (web.allowRemote in the config)")
            }
            logger.warning("the officer's screen listens beyond this machine, without sign-in", metadata: ["address": "\(address)"])
        }
        let notifier = SystemdNotifier()
        let store: AgentStore
        do {
            store = try await AgentStore.openForDaemon(path: self.store.db, notifier: notifier, logger: logger)
            try await adoptConfiguredIdentity(store: store, settings: settings)
        } catch let error as SyncError {
            ExitStatus.dataError.exit(saying: "commune-agent: \(error.message)")
        }
        let sync = try await SyncService(store: store, settings: settings, notifier: notifier, logger: logger)
        let hosts = HostAllowList()
        let screen = Application(
            router: LocalWeb(store: store, trigger: sync.scheduler.triggers, hosts: hosts,
                             csrf: CSRF(tokens: SignedTokens(key: try await store.secret(named: CSRF.secretName))),
                             maxFileBytes: settings.maxFileBytes,
                             fetchFile: { sha256 in
                                 let (_, token, transport) = try await settings.hubAccess(store)
                                 return try await FileUploader(store: store, transport: transport, logger: logger).fetch(sha256, token: token)
                             }).buildRouter(),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "commune-agent"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                hosts.allow(address, port: port)
                // Scripts and tests read the bound port from this line.
                let bound = HostAndPort(host: address.host, port: port)
                try? FileHandle.standardOutput.write(contentsOf: Data("commune-agent screen on http://\(bound)\n".utf8))
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: sync),
                .init(service: screen),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

/// A daemon whose config names the hub and the commune sets up (or updates) its store from
/// them, taking the node id from its token; otherwise the store must have been `init`ed.
private func adoptConfiguredIdentity(store: AgentStore, settings: AgentSettings) async throws {
    let existing = try? await store.agentIdentity()
    guard let hubURL = settings.hubURL ?? existing?.hubURL, let commune = settings.commune ?? existing?.commune else {
        throw SyncError(.notInitialized, "the store is not initialised: set hub.url and commune in the config, or run `commune-agent init`")
    }
    let provisional = AgentIdentity(node: existing?.node ?? "", commune: commune, hubURL: hubURL, tokenFile: existing?.tokenFile ?? "")
    let tokenPath = NodeToken.path(configured: settings.tokenFile, identity: provisional)
    let token = try NodeToken.read(tokenPath)
    try token.check(commune: commune)
    let node = existing?.node ?? token.node
    let identity = AgentIdentity(node: node, commune: commune, hubURL: hubURL, tokenFile: existing?.tokenFile ?? tokenPath)
    if identity != existing { try await store.configureAgent(identity) }
}
