import Foundation
import SyncCore

/// A clock a test moves by hand, in whole milliseconds: the wall clock of a store or a hub
/// (`physical`), and a Swift `Clock` for the sync scheduler, whose sleeps end only when the test
/// moves the clock past their deadline. Thread-safe, so a test can move it while a server runs.
public final class ManualClock: Clock, @unchecked Sendable {
    public struct Instant: InstantProtocol {
        public var millis: Int64

        public init(millis: Int64) {
            self.millis = millis
        }

        public func advanced(by duration: Swift.Duration) -> Instant {
            Instant(millis: millis + duration.milliseconds)
        }

        public func duration(to other: Instant) -> Swift.Duration {
            .milliseconds(other.millis - millis)
        }

        public static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.millis < rhs.millis
        }
    }

    private struct Sleeper {
        var deadline: Int64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let lock = NSLock()
    private var millis: Int64
    private var sleepers: [UInt64: Sleeper] = [:]
    private var nextSleeper: UInt64 = 0
    /// Sleepers cancelled before they were registered, so they never are.
    private var cancelledEarly: Set<UInt64> = []
    private var sleeperWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    public init(millis: Int64) {
        self.millis = millis
    }

    public var physical: PhysicalClock {
        PhysicalClock { [self] in lock.withLock { millis } }
    }

    public var now: Instant {
        lock.withLock { Instant(millis: millis) }
    }

    public var minimumResolution: Swift.Duration { .milliseconds(1) }

    public func set(_ value: Int64) {
        move { $0 = value }
    }

    public func advance(by delta: Int64) {
        move { $0 += delta }
    }

    public func advance(by duration: Swift.Duration) {
        advance(by: duration.milliseconds)
    }

    /// Returns once `count` sleeps are waiting for the clock to move: a test moves it after
    /// that, so a task about to sleep does not miss the move and sleep past it.
    public func waitForSleepers(_ count: Int = 1) async {
        await withCheckedContinuation { continuation in
            let ready = lock.withLock { () -> Bool in
                guard sleepers.count < count else { return true }
                sleeperWatchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    public func sleep(until deadline: Instant, tolerance: Swift.Duration? = nil) async throws {
        let id = lock.withLock { () -> UInt64 in
            nextSleeper += 1
            return nextSleeper
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (outcome, watchers) = lock.withLock { () -> (Result<Void, any Error>?, [CheckedContinuation<Void, Never>]) in
                    if cancelledEarly.remove(id) != nil { return (.failure(CancellationError()), []) }
                    if deadline.millis <= millis { return (.success(()), []) }
                    sleepers[id] = Sleeper(deadline: deadline.millis, continuation: continuation)
                    let satisfied = sleeperWatchers.filter { $0.count <= sleepers.count }
                    sleeperWatchers.removeAll { $0.count <= sleepers.count }
                    return (nil, satisfied.map(\.continuation))
                }
                if let outcome { continuation.resume(with: outcome) }
                watchers.forEach { $0.resume() }
            }
        } onCancel: {
            let sleeper = lock.withLock { () -> Sleeper? in
                guard let sleeper = sleepers.removeValue(forKey: id) else {
                    cancelledEarly.insert(id)
                    return nil
                }
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Changes the time and wakes the sleeps whose deadline it reached.
    private func move(_ change: (inout Int64) -> Void) {
        let due = lock.withLock { () -> [Sleeper] in
            change(&millis)
            let due = sleepers.filter { $0.value.deadline <= millis }
            for id in due.keys { sleepers.removeValue(forKey: id) }
            return Array(due.values)
        }
        due.forEach { $0.continuation.resume() }
    }
}
