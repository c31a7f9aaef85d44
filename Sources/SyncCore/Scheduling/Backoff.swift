/// When to try the hub again after a failure: exponential backoff with full jitter, capped,
/// and never sooner than the hub asked (`Retry-After`). A pure state machine: the random
/// source is injected, so tests check the schedule without sleeping.
public struct Backoff: Sendable {
    public let initial: Duration
    public let cap: Duration
    /// Consecutive failures since the last success.
    public private(set) var failures = 0

    public init(initial: Duration = .seconds(5), cap: Duration = .seconds(900)) {
        precondition(initial > .zero && cap >= initial, "backoff needs 0 < initial <= cap")
        self.initial = initial
        self.cap = cap
    }

    /// The ceiling of the next delay: initial × 2^(failures − 1), at most `cap`.
    public var ceiling: Duration {
        guard failures > 0 else { return .zero }
        var ceiling = initial
        for _ in 1..<min(failures, 40) where ceiling < cap {
            ceiling = ceiling * 2
        }
        return min(ceiling, cap)
    }

    /// Records a failure and returns how long to wait: a uniformly random delay up to the
    /// ceiling ("full jitter", so a province's agents do not retry in step after an outage),
    /// but at least what the hub asked for.
    public mutating func failed(retryAfter: Duration? = nil, using random: inout some RandomNumberGenerator) -> Duration {
        failures += 1
        let ceilingMs = ceiling.milliseconds
        let jittered = Duration.milliseconds(Int64.random(in: 0...ceilingMs, using: &random))
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, cap))
    }

    /// A success resets the schedule.
    public mutating func succeeded() {
        failures = 0
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}
