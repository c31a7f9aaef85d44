import SyncCore
import TestSupport
import Testing

@Suite("Hybrid logical clock")
struct HybridLogicalClockTests {
    @Test("a frozen clock still issues strictly increasing stamps past 2^16 events")
    func frozen() {
        let clock = HybridLogicalClock(physical: PhysicalClock { 1_000 })
        var last = HLC.zero
        for _ in 0..<70_000 {
            let next = clock.tick(after: last)
            #expect(next > last)
            last = next
        }
        #expect(last.wall == 1_000)
        #expect(last.counter == 69_999)
    }

    @Test("a clock that runs backwards never takes the stamps back")
    func backwards() {
        let manual = ManualClock(millis: 50_000)
        let clock = HybridLogicalClock(physical: manual.physical)
        let first = clock.tick(after: .zero)
        manual.set(10_000)
        let second = clock.tick(after: first)
        #expect(second > first)
        #expect(second.wall == 50_000)
        manual.set(60_000)
        let third = clock.tick(after: second)
        #expect(third == HLC(wall: 60_000, counter: 0))
    }

    @Test("a jump forward is followed; the counter restarts")
    func jumpsForward() {
        let manual = ManualClock(millis: 1_000)
        let clock = HybridLogicalClock(physical: manual.physical)
        var last = clock.tick(after: .zero)
        last = clock.tick(after: last)
        #expect(last == HLC(wall: 1_000, counter: 1))
        manual.advance(by: 3 * 365 * 86_400_000)
        let jumped = clock.tick(after: last)
        #expect(jumped == HLC(wall: 1_000 + 3 * 365 * 86_400_000, counter: 0))
    }

    @Test("the counter's overflow moves the wall by one millisecond")
    func counterOverflow() {
        #expect(HLC(wall: 5, counter: .max).successor() == HLC(wall: 6, counter: 0))
        let clock = HybridLogicalClock(physical: PhysicalClock { 5 })
        #expect(clock.tick(after: HLC(wall: 5, counter: .max)) == HLC(wall: 6, counter: 0))
    }

    @Test("a remote stamp within the drift is adopted; beyond it, refused; observe always adopts")
    func receive() {
        let clock = HybridLogicalClock(physical: PhysicalClock { 10_000 }, maxDrift: 2_000)
        let near = HLC(wall: 11_500, counter: 4)
        let adopted = clock.receive(near, after: HLC(wall: 9_000, counter: 0))
        #expect(adopted == HLC(wall: 11_500, counter: 5))
        #expect(clock.receive(HLC(wall: 12_001, counter: 0), after: .zero) == nil)
        let far = HLC(wall: 99_000_000, counter: 0)
        #expect(clock.observe(far, after: .zero) == HLC(wall: 99_000_000, counter: 1))
        // Equal walls: the highest counter, plus one.
        #expect(clock.receive(HLC(wall: 10_000, counter: 3), after: HLC(wall: 10_000, counter: 7)) == HLC(wall: 10_000, counter: 8))
        // An old remote stamp: the physical clock leads.
        #expect(clock.receive(HLC(wall: 5, counter: 3), after: HLC(wall: 6, counter: 0)) == HLC(wall: 10_000, counter: 0))
    }

    @Test("the high-water mark persists: a restart with the clock set years back keeps stamping forward")
    func persistedAcrossRestart() async throws {
        let scratch = Scratch()
        let manual = ManualClock(millis: District.epoch)
        let path = scratch.path("agent.sqlite")
        var store: AgentStore? = try AgentStore(path: path, clock: HybridLogicalClock(physical: manual.physical))
        let write = FieldWrite(collection: "progress", record: "long-dong/4.1", field: "note", value: .text("một"))
        let first = try await store!.record([write], actor: "A", node: "n-1")
        store = nil
        manual.set(946_684_800_000)  // the year 2000: a dead CMOS battery
        let reopened = try AgentStore(path: path, clock: HybridLogicalClock(physical: manual.physical))
        let second = try await reopened.record([write], actor: "A", node: "n-1")
        #expect(second[0].stamp.hlc > first[0].stamp.hlc)
        #expect(try await reopened.clockHighWater() == second[0].stamp.hlc)
    }
}
