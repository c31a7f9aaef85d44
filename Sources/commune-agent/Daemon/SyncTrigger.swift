import Foundation

/// "Sync now", pressed on the officer's screen and picked up by the sync loop at its next tick.
final class SyncTrigger: @unchecked Sendable {
    private let lock = NSLock()
    private var pulled = false

    func pull() {
        lock.withLock { pulled = true }
    }

    /// Whether it was pulled since the last call.
    func consume() -> Bool {
        lock.withLock {
            defer { pulled = false }
            return pulled
        }
    }
}
