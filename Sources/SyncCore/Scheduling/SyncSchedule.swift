/// What can make the agent sync.
public enum SyncTrigger: Sendable, Hashable {
    /// An officer's write (the officer's screen, or the CLI as noticed by `OutboxWatcher`):
    /// sync after `afterWrite`, unless backing off from a failure.
    case localWrite
    /// "Đồng bộ ngay" on the officer's screen: sync at once, even while backing off.
    case syncNow
    /// The time the schedule set has come: the interval since the last sync, or the end of a
    /// backoff. The scheduler's own timer sends it.
    case due
}

/// When the next sync is due, as a pure value: the first at once, then `interval` after each
/// success, `afterWrite` after a local write (unless backing off), at once on "sync now", and
/// after a failure when `Backoff` says (full jitter, never before the hub's `Retry-After`).
/// Generic over the instant so the daemon uses `ContinuousClock` and tests a clock they move.
public struct SyncSchedule<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public let interval: Duration
    public let afterWrite: Duration
    public private(set) var backoff: Backoff
    public private(set) var due: Instant

    public init(interval: Duration, afterWrite: Duration, backoff: Backoff, start: Instant) {
        self.interval = interval
        self.afterWrite = afterWrite
        self.backoff = backoff
        due = start
    }

    public func isDue(at now: Instant) -> Bool {
        now >= due
    }

    public mutating func receive(_ trigger: SyncTrigger, at now: Instant) {
        switch trigger {
        case .syncNow:
            due = min(due, now)
        case .localWrite where backoff.failures == 0:
            due = min(due, now.advanced(by: afterWrite))
        case .localWrite, .due:
            break
        }
    }

    public mutating func succeeded(at now: Instant) {
        backoff.succeeded()
        due = now.advanced(by: interval)
    }

    /// Records a failure and returns how long until the next try.
    public mutating func failed(retryAfter: Duration?, at now: Instant, using random: inout some RandomNumberGenerator) -> Duration {
        let delay = backoff.failed(retryAfter: retryAfter, using: &random)
        due = now.advanced(by: delay)
        return delay
    }
}
