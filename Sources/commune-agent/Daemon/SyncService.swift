import Foundation
import Logging
import ServiceLifecycle
import SyncCore

/// The daemon's sync loop: `SyncScheduler` with the libcurl client, the token read afresh for
/// every sync, an `OutboxWatcher` for the CLI's writes, systemd's watchdog and status, and the
/// logs. On shutdown it stops a transfer in flight (the hub deduplicates whatever it had
/// already committed).
struct SyncService: Service {
    /// How often writes by another process (the CLI) are looked for where the store's WAL
    /// cannot be watched (see `OutboxWatcher`).
    static let outsideWriteCheck = Duration.seconds(5)

    let store: AgentStore
    let scheduler: SyncScheduler<ContinuousClock>
    let watcher: OutboxWatcher
    /// Raised on shutdown: stops the transfer in flight.
    let abort: AbortSignal
    let notifier: SystemdNotifier
    let logger: Logger
    /// How long a file no record names stays on disk.
    let fileGrace: Duration

    /// The service and the scheduler whose `triggers` the officer's screen sends to.
    init(store: AgentStore, settings: AgentSettings, notifier: SystemdNotifier, logger: Logger) async throws {
        let identity = try await store.agentIdentity()
        let abort = AbortSignal()
        let transport = try settings.transport(hubURL: identity.hubURL, abort: abort)
        let client = SyncClient(store: store, transport: transport, logger: logger)
        let uploader = FileUploader(store: store, transport: transport, chunkBytes: settings.uploadChunkBytes, logger: logger)
        let watcher = try await OutboxWatcher(store: store)
        let tokenFile = settings.tokenFile
        scheduler = SyncScheduler(
            interval: settings.interval, afterWrite: settings.afterWrite,
            backoff: Backoff(initial: settings.backoffInitial, cap: settings.backoffMax), clock: ContinuousClock(),
            sync: {
                _ = await watcher.grew()  // what this sync sends needs no other
                let token = try NodeToken.read(NodeToken.path(configured: tokenFile, identity: identity))
                try token.check(commune: identity.commune)
                let summary = try await client.syncUntilDrained(token: token.text)
                // Files after records: a failed upload is retried with the next sync's backoff.
                try await uploader.uploadPending(token: token.text)
                return summary
            },
            onEvent: { [notifier, logger] event in await Self.report(event, store: store, notifier: notifier, logger: logger) })
        self.store = store
        self.watcher = watcher
        self.abort = abort
        self.notifier = notifier
        self.logger = logger
        fileGrace = settings.fileGrace
    }

    func run() async throws {
        let identity = try await store.agentIdentity()
        notifier.ready(status: try await Self.statusLine(store))
        logger.info("agent.started", metadata: ["node.id": "\(identity.node)", "commune": "\(identity.commune)", "hub": "\(identity.hubURL)"])
        let (scheduler, watcher, notifier) = (scheduler, watcher, notifier)
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown {
                await withDiscardingTaskGroup { group in
                    group.addTask { await scheduler.run() }
                    group.addTask {
                        guard await !watcher.watch(triggers: scheduler.triggers) else { return }
                        await watcher.poll(every: Self.outsideWriteCheck, on: ContinuousClock(), triggers: scheduler.triggers)
                    }
                    group.addTask { [store, logger, fileGrace] in
                        // Files no record needs any more: at start, then every six hours.
                        repeat {
                            if let collected = try? await store.collectFiles(grace: fileGrace), !collected.removed.isEmpty || collected.abandoned > 0 {
                                logger.info("files.collected", metadata: ["files.removed": "\(collected.removed.count)",
                                                                          "files.abandoned": "\(collected.abandoned)"])
                            }
                        } while (try? await Task.sleep(for: .seconds(6 * 3_600))) != nil
                    }
                    if let interval = notifier.watchdogPingInterval {
                        group.addTask {
                            // WATCHDOG=1 at half of WatchdogSec=, during long syncs too.
                            repeat { notifier.watchdog() } while (try? await Task.sleep(for: interval)) != nil
                        }
                    }
                }
            }
        } onGracefulShutdown: { [abort] in
            notifier.stopping()
            abort.raise()
        }
        try await store.checkpoint()
        logger.info("agent.stopped")
    }

    private static func report(_ event: SyncScheduler<ContinuousClock>.Event, store: AgentStore, notifier: SystemdNotifier, logger: Logger) async {
        switch event {
        case .waiting:
            return
        case .synced(let summary):
            logger.info("sync.done", metadata: [
                "sync.push.count": "\(summary.pushed)", "sync.pull.count": "\(summary.pulled)",
                "sync.rejected.count": "\(summary.rejected)",
            ])
        case .failed(let error, let delay, let failures):
            let failure = error as? SyncError
            logger.warning("sync.failed", metadata: [
                "error.code": "\(failure?.code.rawValue ?? "unknown")", "error.message": "\(failure?.message ?? "\(error)")",
                "sync.retry_in_ms": "\(delay.milliseconds)", "sync.failures": "\(failures)",
            ])
        }
        notifier.status((try? await statusLine(store)) ?? "status unavailable")
    }

    /// What `systemctl status` shows under the unit.
    private static func statusLine(_ store: AgentStore) async throws -> String {
        let state = try await store.agentSyncState()
        var parts = ["pending \(state.pending)"]
        parts.append("last sync " + (state.lastSync.map { isoMinute($0) } ?? "never"))
        if state.rejected > 0 { parts.append("rejected \(state.rejected)") }
        if let error = state.lastError { parts.append("last error: \(error)") }
        if let offset = state.clockOffsetMs, abs(offset) > 60_000 { parts.append("clock off by \(offset / 1000) s") }
        return parts.joined(separator: "; ")
    }

    private static func isoMinute(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
