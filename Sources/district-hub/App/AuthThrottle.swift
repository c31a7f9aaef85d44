import Foundation

/// Slows down guessing. A failed authentication (a node token, a dashboard password) counts
/// against every key it names: the address it came from, and the node id a token claims or the
/// account a password was tried for. A key with `maxFailures` failures in the window is
/// answered 429 with `Retry-After` until the window has passed, and once `maxFailuresOverall`
/// failures have come from anywhere in the window, every failing attempt is. The callers ask
/// only about attempts that failed: a node with a valid token is always served, so one
/// misconfigured PC or an attacker behind a commune's shared NAT address locks nobody out.
/// Memory stays bounded: at most `maxKeys` keys are remembered.
final class AuthThrottle: @unchecked Sendable {
    let maxFailures: Int
    let maxFailuresOverall: Int
    let window: TimeInterval
    let maxKeys: Int
    private let lock = NSLock()
    private var failures: [String: [Date]] = [:]
    private var overall: [Date] = []

    init(maxFailures: Int = 10, maxFailuresOverall: Int = 1_000, window: TimeInterval = 60, maxKeys: Int = 10_000) {
        self.maxFailures = maxFailures
        self.maxFailuresOverall = maxFailuresOverall
        self.window = window
        self.maxKeys = maxKeys
    }

    /// Seconds to wait before an attempt under `keys` may fail again unthrottled, or nil.
    func retryAfter(for keys: String..., now: Date = Date()) -> Int? {
        lock.withLock {
            var waits = keys.compactMap { wait(failures[$0] ?? [], limit: maxFailures, now: now) }
            if let wait = wait(overall, limit: maxFailuresOverall, now: now) { waits.append(wait) }
            return waits.max()
        }
    }

    func recordFailure(from keys: String..., now: Date = Date()) {
        lock.withLock {
            for key in keys {
                if failures[key] == nil && failures.count >= maxKeys {
                    failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
                    if failures.count >= maxKeys { failures.removeAll() }
                }
                failures[key] = Array(recent(failures[key] ?? [], now: now).suffix(maxFailures - 1) + [now])
            }
            overall = Array(recent(overall, now: now).suffix(maxFailuresOverall - 1) + [now])
        }
    }

    private func recent(_ times: [Date], now: Date) -> [Date] {
        times.filter { now.timeIntervalSince($0) < window }
    }

    private func wait(_ times: [Date], limit: Int, now: Date) -> Int? {
        let recent = recent(times, now: now)
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
    }
}
