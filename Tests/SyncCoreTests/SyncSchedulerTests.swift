import Foundation
import SyncCore
import TestSupport
import Testing

/// The scheduler's loop on a clock the test moves: every step waits for what the scheduler
/// reports, never for time to pass. A scheduler that waits for the wrong thing hangs, which the
/// time limit turns into a failure.
@Suite("Sync scheduler", .timeLimit(.minutes(1)))
struct SyncSchedulerTests {
    /// A scheduler on a manual clock whose syncs answer from `script`, and what it did as short
    /// lines: `sync@T`, `ok`, `fail DELAY ×N`, `wait→T` (milliseconds).
    final class Harness: Sendable {
        let clock = ManualClock(millis: 0)
        let scheduler: SyncScheduler<ManualClock>
        let script: Script
        private let task: Task<Void, Never>

        init(_ script: Script = Script()) {
            self.script = script
            let clock = clock
            scheduler = SyncScheduler(
                interval: .seconds(60), afterWrite: .seconds(2), backoff: Backoff(initial: .seconds(5), cap: .seconds(900)),
                clock: clock, random: SeededRandom(seed: 42),
                sync: { try await script.sync(at: clock.now.millis) },
                onEvent: { event in
                    switch event {
                    case .waiting(let until): script.log("wait→\(until.millis)")
                    case .synced: script.log("ok")
                    case .failed(_, let delay, let failures): script.log("fail \(delay.milliseconds) ×\(failures)")
                    }
                })
            task = Task { [scheduler] in await scheduler.run() }
        }

        func next(_ count: Int) async -> [String] {
            await script.next(count)
        }

        func stop() async {
            task.cancel()
            await task.value
        }
    }

    /// The syncs' answers (failures first, then successes) and the log of what happened.
    final class Script: @unchecked Sendable {
        private let lock = NSLock()
        private var failures: [SyncError]
        private let held: Bool
        private let sink: AsyncStream<String>.Continuation
        private var lines: AsyncStream<String>.Iterator
        private let opener: AsyncStream<Void>.Continuation
        private var gate: AsyncStream<Void>.Iterator

        /// - Parameter held: each sync waits for `release()` before it answers.
        init(failures: [SyncError] = [], held: Bool = false) {
            self.failures = failures
            self.held = held
            let (lines, sink) = AsyncStream.makeStream(of: String.self)
            (self.lines, self.sink) = (lines.makeAsyncIterator(), sink)
            let (gate, opener) = AsyncStream.makeStream(of: Void.self)
            (self.gate, self.opener) = (gate.makeAsyncIterator(), opener)
        }

        func sync(at millis: Int64) async throws -> SyncSummary {
            log("sync@\(millis)")
            if held { _ = await gate.next() }
            if let failure = lock.withLock({ failures.isEmpty ? nil : failures.removeFirst() }) { throw failure }
            return SyncSummary()
        }

        func log(_ line: String) {
            sink.yield(line)
        }

        func release() {
            opener.yield()
        }

        /// The next `count` lines of what the scheduler did.
        func next(_ count: Int) async -> [String] {
            var result: [String] = []
            for _ in 0..<count { result.append(await lines.next() ?? "ended") }
            return result
        }
    }

    @Test("syncs at start, every interval, and afterWrite after a local write")
    func interval() async {
        let harness = Harness()
        #expect(await harness.next(3) == ["sync@0", "ok", "wait→60000"])
        harness.clock.advance(by: .seconds(60))
        #expect(await harness.next(3) == ["sync@60000", "ok", "wait→120000"])
        harness.clock.advance(by: .seconds(10))
        harness.scheduler.triggers.yield(.localWrite)
        #expect(await harness.next(1) == ["wait→72000"])
        harness.clock.advance(by: .seconds(2))
        #expect(await harness.next(3) == ["sync@72000", "ok", "wait→132000"])
        await harness.stop()
    }

    @Test("a failure backs off, Retry-After first; a local write waits for the backoff; sync now does not")
    func backoff() async throws {
        let harness = Harness(Script(failures: [SyncError(.slowDown, "busy", retryAfter: 30), SyncError(.hubUnreachable, "down")]))
        #expect(await harness.next(3) == ["sync@0", "fail 30000 ×1", "wait→30000"])
        harness.clock.advance(by: .seconds(1))
        // Taken in order: had the write cut the backoff short, "wait→3000" would come first.
        harness.scheduler.triggers.yield(.localWrite)
        harness.scheduler.triggers.yield(.syncNow)
        let retry = await harness.next(3)
        #expect(retry[0] == "sync@1000")
        let delay = try #require(Int64(retry[1].dropFirst("fail ".count).prefix { $0 != " " }))
        #expect(retry[1].hasSuffix("×2") && (1...10_000).contains(delay))
        #expect(retry[2] == "wait→\(1_000 + delay)")
        harness.clock.advance(by: .milliseconds(delay))
        #expect(await harness.next(3) == ["sync@\(1_000 + delay)", "ok", "wait→\(61_000 + delay)"])
        await harness.stop()
    }

    @Test("a write during a sync is synced afterWrite after that sync ends")
    func writeDuringSync() async {
        let harness = Harness(Script(held: true))
        #expect(await harness.next(1) == ["sync@0"])
        harness.scheduler.triggers.yield(.localWrite)
        harness.clock.advance(by: .milliseconds(500))
        harness.script.release()
        #expect(await harness.next(3) == ["ok", "wait→60500", "wait→2500"])
        harness.clock.advance(by: .seconds(2))
        #expect(await harness.next(1) == ["sync@2500"])
        harness.script.release()
        #expect(await harness.next(2) == ["ok", "wait→62500"])
        await harness.stop()
    }
}
