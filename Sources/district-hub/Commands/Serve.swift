import ArgumentParser
import CLISupport
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle
import SyncCore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the sync API (systemd Type=notify; SIGTERM drains requests in flight).")

    @OptionGroup var store: StoreOptions

    @Option(help: "HOST:PORT to listen on (port 0 picks a free port); overrides the config's `listen`.")
    var listen: String?

    @Option(help: "The config file (default /etc/district-hub/config.json when present).")
    var config: String?

    func validate() throws {
        if let listen, HostAndPort(listen) == nil {
            throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:8080, not \(listen)")
        }
    }

    func run() async throws {
        let settings = try await HubSettings.loadOrExit(file: config)
        KeyValueLogHandler.bootstrap(level: settings.logLevel)
        let logger = Logger(label: "district-hub")
        let notifier = SystemdNotifier()
        let address = listen.flatMap(HostAndPort.init) ?? settings.listen
        let store: HubStore
        do {
            store = try await HubStore.openForDaemon(path: self.store.db, clock: HybridLogicalClock(maxDrift: settings.maxClockDrift.milliseconds),
                                            notifier: notifier, logger: logger)
        } catch let error as SyncError {
            ExitStatus.dataError.exit(saying: "district-hub: \(error.message)")
        }
        var server = HTTPServerBuilder.http1()
        if let certificate = settings.tlsCertificate, let key = settings.tlsKey {
            do {
                server = try HubTLS.server(certificate: certificate, key: key)
            } catch let error as SettingsError {
                ExitStatus.config.exit(saying: "district-hub: \(error)")
            }
        }
        try await store.setWriterCacheSize(megabytes: 32)
        let metrics = HubMetrics()
        metrics.restore(from: try await store.nodes())
        for (commune, bytes) in try await store.storedBytesByCommune() { metrics.storedBytes(bytes, commune: commune) }
        let scheme = settings.tlsCertificate == nil ? "http" : "https"
        let app = buildApplication(store: store, host: address.host, port: address.port, logger: logger, metrics: metrics, server: server,
                                   secureCookies: settings.tlsCertificate != nil, metricsAccess: settings.metricsAccess,
                                   fileLimits: settings.fileLimits, reportHeading: settings.report) { port in
            // Scripts and tests read the bound port from this line.
            try? FileHandle.standardOutput.write(contentsOf: Data("district-hub listening on \(scheme)://\(address.host):\(port)\n".utf8))
            notifier.ready(status: "listening on \(address.host):\(port)")
        }
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: app),
                .init(service: WatchdogService(store: store, notifier: notifier, metrics: metrics, logger: logger)),
                .init(service: FileCollectionService(store: store, grace: settings.fileGrace, logger: logger)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        try await store.checkpoint()
        logger.info("hub.stopped")
    }
}
