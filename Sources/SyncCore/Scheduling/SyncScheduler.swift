/// The agent's sync loop, woken only by what can make a sync due: the triggers sent to
/// `triggers` (a local write, "sync now") and its own timer, armed for the schedule's next due
/// time (the interval, the end of a backoff). It never polls. Between triggers it sleeps on
/// `clock`, which tests replace with one they move by hand.
///
/// A trigger that arrives during a sync waits in the stream and is taken into account when
/// the sync ends, so a write made meanwhile is synced `afterWrite` later. Cancelling the task
/// that runs it ends it; an exchange in flight is stopped by the caller (`AbortSignal`).
public struct SyncScheduler<C: Clock>: Sendable where C.Duration == Duration {
    /// What the daemon logs and shows in its status.
    public enum Event: Sendable {
        /// The next sync is due at this instant.
        case waiting(until: C.Instant)
        case synced(SyncSummary)
        case failed(any Error, retryIn: Duration, failures: Int)
    }

    /// Where triggers are sent, from any task or thread.
    public let triggers: AsyncStream<SyncTrigger>.Continuation
    private let stream: AsyncStream<SyncTrigger>
    private let clock: C
    private let start: SyncSchedule<C.Instant>
    private let random: any RandomNumberGenerator & Sendable
    private let sync: @Sendable () async throws -> SyncSummary
    private let onEvent: @Sendable (Event) async -> Void

    /// - Parameters:
    ///   - sync: one sync until drained; a `SyncError` with `retryAfter` is honoured.
    ///   - random: the backoff's jitter, seeded in tests.
    ///   - onEvent: awaited before the scheduler goes on; async because the agent's report of
    ///     an event reads the store.
    public init(interval: Duration, afterWrite: Duration, backoff: Backoff, clock: C,
                random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(),
                sync: @escaping @Sendable () async throws -> SyncSummary,
                onEvent: @escaping @Sendable (Event) async -> Void = { _ in }) {
        (stream, triggers) = AsyncStream.makeStream(of: SyncTrigger.self)
        self.clock = clock
        start = SyncSchedule(interval: interval, afterWrite: afterWrite, backoff: backoff, start: clock.now)
        self.random = random
        self.sync = sync
        self.onEvent = onEvent
    }

    /// Syncs at once, then as triggers and the timer make syncs due, until its task is
    /// cancelled. Call it once: the trigger stream has one reader.
    public func run() async {
        var schedule = start
        var random = self.random
        var iterator = stream.makeAsyncIterator()
        var timer: (task: Task<Void, Never>, deadline: C.Instant)?
        defer { timer?.task.cancel() }
        var received: SyncTrigger? = .due  // the first sync is due at once
        while let trigger = received, !Task.isCancelled {
            schedule.receive(trigger, at: clock.now)
            if schedule.isDue(at: clock.now) {
                await attempt(&schedule, using: &random)
            }
            // Re-armed when the due time moved, and after the timer went off (a sync may have
            // failed with no delay, leaving the same due time to wait for again).
            if trigger == .due || timer?.deadline != schedule.due {
                if timer?.deadline != schedule.due { await onEvent(.waiting(until: schedule.due)) }
                timer?.task.cancel()
                timer = (arm(for: schedule.due), schedule.due)
            }
            received = await iterator.next()  // nil once the task is cancelled
        }
    }

    private func attempt(_ schedule: inout SyncSchedule<C.Instant>, using random: inout some RandomNumberGenerator) async {
        do {
            let summary = try await sync()
            schedule.succeeded(at: clock.now)
            await onEvent(.synced(summary))
        } catch {
            let retryAfter = (error as? SyncError)?.retryAfter.map { Duration.seconds($0) }
            let delay = schedule.failed(retryAfter: retryAfter, at: clock.now, using: &random)
            await onEvent(.failed(error, retryIn: delay, failures: schedule.backoff.failures))
        }
    }

    /// A timer that sends `.due` at `deadline`, unless cancelled first.
    private func arm(for deadline: C.Instant) -> Task<Void, Never> {
        Task { [clock, triggers] in
            guard (try? await clock.sleep(until: deadline, tolerance: nil)) != nil, !Task.isCancelled else { return }
            triggers.yield(.due)
        }
    }
}
