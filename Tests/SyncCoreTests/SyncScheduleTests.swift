import SyncCore
import TestSupport
import Testing

/// When the next sync is due, as a pure decision.
@Suite("Sync schedule")
struct SyncScheduleTests {
    private func at(_ millis: Int64) -> ManualClock.Instant {
        ManualClock.Instant(millis: millis)
    }

    private func schedule() -> SyncSchedule<ManualClock.Instant> {
        SyncSchedule(interval: .seconds(60), afterWrite: .seconds(2), backoff: Backoff(initial: .seconds(5), cap: .seconds(900)),
                     start: at(0))
    }

    @Test("due at start, then an interval after each success; a local write brings it forward, never back")
    func intervalAndWrites() {
        var schedule = schedule()
        #expect(schedule.isDue(at: at(0)))
        schedule.succeeded(at: at(1_000))
        #expect(schedule.due == at(61_000))
        schedule.receive(.localWrite, at: at(10_000))
        #expect(schedule.due == at(12_000))
        schedule.receive(.localWrite, at: at(11_000))
        #expect(schedule.due == at(12_000))
        schedule.receive(.due, at: at(11_999))
        #expect(!schedule.isDue(at: at(11_999)))
        #expect(schedule.isDue(at: at(12_000)))
    }

    @Test("after a failure local writes wait for the backoff, sync now does not; Retry-After is a floor; success resets")
    func backoff() {
        var schedule = schedule()
        var random = SeededRandom(seed: 1)
        let delay = schedule.failed(retryAfter: .seconds(30), at: at(0), using: &random)
        #expect(delay == .seconds(30))  // the first ceiling is 5 s: Retry-After wins
        #expect(schedule.due == at(30_000))
        schedule.receive(.localWrite, at: at(1_000))
        #expect(schedule.due == at(30_000))
        let second = schedule.failed(retryAfter: nil, at: at(1_000), using: &random)
        #expect(second <= .seconds(10) && schedule.due == at(1_000).advanced(by: second))
        schedule.receive(.syncNow, at: at(2_000))
        #expect(schedule.isDue(at: at(2_000)))
        schedule.succeeded(at: at(3_000))
        #expect(schedule.backoff.failures == 0)
        schedule.receive(.localWrite, at: at(4_000))
        #expect(schedule.due == at(6_000))
    }
}
