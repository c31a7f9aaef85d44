import Foundation
import Logging
import ServiceLifecycle
import SyncCore

/// Pings systemd's watchdog at half its interval, but only while the store answers: a hub
/// whose database is wedged stops pinging and systemd restarts it. Sends STOPPING=1 when the
/// service group starts shutting down.
struct WatchdogService: Service {
    let store: HubStore
    let notifier: SystemdNotifier
    let metrics: HubMetrics
    let logger: Logger

    func run() async throws {
        await withGracefulShutdownHandler {
            guard let interval = notifier.watchdogPingInterval else {
                try? await gracefulShutdown()
                return
            }
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if (try? await store.ping()) != nil {
                    notifier.watchdog()
                    metrics.watchdogPinged(at: Date())
                } else {
                    logger.error("watchdog.store_failing")
                }
                try? await Task.sleep(for: interval)
            }
        } onGracefulShutdown: {
            notifier.stopping()
        }
    }
}
