import Foundation

/// Slows down guessing: an address that failed to authenticate (a node token, or a dashboard
/// password) too often within a window is answered 429 with `Retry-After` until the window
/// has passed. Memory stays bounded: at most `maxAddresses` are remembered.
final class AuthThrottle: @unchecked Sendable {
    let maxFailures: Int
    let window: TimeInterval
    let maxAddresses: Int
    private let lock = NSLock()
    private var failures: [String: [Date]] = [:]

    init(maxFailures: Int = 10, window: TimeInterval = 60, maxAddresses: Int = 10_000) {
        self.maxFailures = maxFailures
        self.window = window
        self.maxAddresses = maxAddresses
    }

    /// Seconds to wait before `address` may try again, or nil when it may try now.
    func retryAfter(for address: String, now: Date = Date()) -> Int? {
        lock.withLock {
            let recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
            guard recent.count >= maxFailures, let oldest = recent.first else { return nil }
            return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
        }
    }

    func recordFailure(from address: String, now: Date = Date()) {
        lock.withLock {
            if failures[address] == nil && failures.count >= maxAddresses {
                failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
                if failures.count >= maxAddresses { failures.removeAll() }
            }
            var recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
            recent.append(now)
            failures[address] = Array(recent.suffix(maxFailures))
        }
    }
}
