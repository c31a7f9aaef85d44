import SyncCore
import TestSupport
import Testing

@Suite("Backoff")
struct BackoffTests {
    @Test("the ceiling doubles from the initial delay up to the cap, and a success resets it")
    func growsAndResets() {
        var backoff = Backoff(initial: .seconds(5), cap: .seconds(60))
        var random = SeededRandom(seed: 1)
        #expect(backoff.ceiling == .zero)
        var ceilings: [Duration] = []
        for _ in 0..<6 {
            _ = backoff.failed(using: &random)
            ceilings.append(backoff.ceiling)
        }
        #expect(ceilings == [.seconds(5), .seconds(10), .seconds(20), .seconds(40), .seconds(60), .seconds(60)])
        backoff.succeeded()
        #expect(backoff.failures == 0)
        _ = backoff.failed(using: &random)
        #expect(backoff.ceiling == .seconds(5))
    }

    @Test("delays are spread over [0, ceiling] (full jitter), never beyond")
    func fullJitter() {
        var random = SeededRandom(seed: 2)
        var delays: [Duration] = []
        for _ in 0..<500 {
            var backoff = Backoff(initial: .seconds(1), cap: .seconds(900))
            for _ in 0..<3 { _ = backoff.failed(using: &random) }
            let delay = backoff.failed(using: &random)
            #expect(delay >= .zero && delay <= .seconds(8))
            delays.append(delay)
        }
        #expect(delays.min()! < .seconds(1))
        #expect(delays.max()! > .seconds(7))
    }

    @Test("a Retry-After from the hub is honoured, within the cap")
    func retryAfter() {
        var random = SeededRandom(seed: 3)
        var backoff = Backoff(initial: .seconds(1), cap: .seconds(120))
        #expect(backoff.failed(retryAfter: .seconds(30), using: &random) >= .seconds(30))
        #expect(backoff.failed(retryAfter: .seconds(3_600), using: &random) == .seconds(120))
    }

    @Test("many failures do not overflow")
    func manyFailures() {
        var random = SeededRandom(seed: 4)
        var backoff = Backoff(initial: .milliseconds(100), cap: .seconds(900))
        for _ in 0..<10_000 { _ = backoff.failed(using: &random) }
        #expect(backoff.ceiling == .seconds(900))
    }
}
