import Foundation
import Logging

extension ReplicaStore {
    /// Opens a daemon's store and runs `quick_check`. A store that cannot be opened or fails
    /// the check is refused: logged, shown in `systemctl status`, and thrown, so the daemon
    /// exits instead of syncing from damaged data.
    public static func openForDaemon(path: String, clock: HybridLogicalClock = HybridLogicalClock(),
                                     notifier: SystemdNotifier, logger: Logger) async throws -> Self {
        do {
            let store = try Self(path: path, clock: clock)
            let check = try await store.integrityCheck(quick: true)
            guard check == "ok" else { throw SyncError(.storage, "quick_check failed: \(check)") }
            let journalMode = try await store.pragma("journal_mode")
            let synchronous = try await store.pragma("synchronous")
            logger.info("store.opened", metadata: [
                "store.path": "\(path)", "store.journal_mode": "\(journalMode)", "store.synchronous": "\(synchronous)",
            ])
            return store
        } catch let error as SyncError {
            logger.critical("store.refused", metadata: ["store.path": "\(path)", "error.message": "\(error.message)"])
            let refusal = SyncError(.storage, "refusing to start: the store \(path) is damaged or unreadable (\(error.message)); restore a backup")
            notifier.status(refusal.message)
            throw refusal
        }
    }
}
