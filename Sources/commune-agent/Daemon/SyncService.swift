import Foundation
import Logging
import ServiceLifecycle
import SyncCore

/// The daemon's sync loop: syncs at start, every `interval`, soon after a local write, and
/// after a failure once the backoff allows; reports to systemd as it goes. On shutdown it
/// stops a transfer in flight (the hub deduplicates whatever it had already committed).
struct SyncService: Service {
    let store: AgentStore
    let settings: AgentSettings
    /// "Sync now" from the officer's screen.
    let trigger: SyncTrigger
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async throws {
        let identity = try store.agentIdentity()
        let abort = AbortSignal()
        let notifier = notifier
        var client = SyncClient(store: store, transport: try settings.transport(hubURL: identity.hubURL, abort: abort), logger: logger)
        client.onExchange = { notifier.watchdog() }
        let syncClient = client

        var backoff = Backoff(initial: settings.backoffInitial, cap: settings.backoffMax)
        var random = SystemRandomNumberGenerator()
        let clock = ContinuousClock()
        var nextSync = clock.now
        var lastPing = clock.now
        var seenSeq = try store.latestOutboxSeq()
        notifier.ready(status: try statusLine())
        logger.info("agent.started", metadata: ["node.id": "\(identity.node)", "commune": "\(identity.commune)", "hub": "\(identity.hubURL)"])

        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if clock.now >= nextSync {
                    do {
                        let token = try NodeToken.read(NodeToken.path(configured: settings.tokenFile, identity: identity))
                        try token.check(commune: identity.commune)
                        let summary = try await runBlocking { try syncClient.syncUntilDrained(token: token.text) }
                        backoff.succeeded()
                        nextSync = clock.now + settings.interval
                        logger.info("sync.done", metadata: [
                            "sync.push.count": "\(summary.pushed)", "sync.pull.count": "\(summary.pulled)",
                            "sync.rejected.count": "\(summary.rejected)",
                        ])
                    } catch {
                        let failure = error as? SyncError
                        let delay = backoff.failed(retryAfter: failure?.retryAfter.map { .seconds($0) }, using: &random)
                        nextSync = clock.now + delay
                        logger.warning("sync.failed", metadata: [
                            "error.code": "\(failure?.code.rawValue ?? "unknown")", "error.message": "\(failure?.message ?? "\(error)")",
                            "sync.retry_in_ms": "\(delay.milliseconds)", "sync.failures": "\(backoff.failures)",
                        ])
                    }
                    notifier.status((try? statusLine()) ?? "status unavailable")
                }
                if let interval = notifier.watchdogPingInterval, clock.now - lastPing >= interval {
                    notifier.watchdog()
                    lastPing = clock.now
                }
                try? await Task.sleep(for: .milliseconds(250))
                if trigger.consume() { nextSync = clock.now }
                // A write by the CLI or the web form: sync soon, unless we are backing off.
                if let latest = try? store.latestOutboxSeq(), latest > seenSeq {
                    seenSeq = latest
                    if backoff.failures == 0 { nextSync = min(nextSync, clock.now + settings.afterWrite) }
                }
            }
        } onGracefulShutdown: {
            notifier.stopping()
            abort.raise()
        }
        try store.checkpoint()
        logger.info("agent.stopped")
    }

    /// What `systemctl status` shows under the unit.
    private func statusLine() throws -> String {
        let state = try store.agentSyncState()
        var parts = ["pending \(state.pending)"]
        parts.append("last sync " + (state.lastSync.map { isoMinute($0) } ?? "never"))
        if state.rejected > 0 { parts.append("rejected \(state.rejected)") }
        if let error = state.lastError { parts.append("last error: \(error)") }
        if let offset = state.clockOffsetMs, abs(offset) > 60_000 { parts.append("clock off by \(offset / 1000) s") }
        return parts.joined(separator: "; ")
    }

    private func isoMinute(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
