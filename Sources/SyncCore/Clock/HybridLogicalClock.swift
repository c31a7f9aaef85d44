/// The rules of the hybrid logical clock, as pure functions of the last timestamp issued.
///
/// The high-water mark itself lives in the store and is read and written in the same
/// transaction as every write, so a crash or restart never lets the clock go backwards.
///
/// Skew rules (see README, "Clocks"):
/// - A node's physical time is its system clock plus the offset it last measured against the
///   hub (`offset`), so a PC whose clock is years behind or ahead stamps hub-corrected times
///   once it has synced.
/// - `receive` refuses a remote timestamp more than `maxDrift` ahead of local physical time:
///   the hub then stamps the change itself (see `HubStore.merge`), so a runaway clock never drags
///   the hub forward and never wins every later conflict.
public struct HybridLogicalClock: Sendable {
    public let physical: PhysicalClock
    /// How far ahead of local physical time a remote timestamp may be and still be adopted.
    public let maxDrift: Int64

    public init(physical: PhysicalClock = .system, maxDrift: Int64 = 2_000) {
        self.physical = physical
        self.maxDrift = maxDrift
    }

    /// A timestamp for a local event, strictly after `last`.
    public func tick(after last: HLC, offset: Int64 = 0) -> HLC {
        tick(after: last, now: physical.now() + offset)
    }

    /// `tick` against a physical time read once by the caller.
    public func tick(after last: HLC, now: Int64) -> HLC {
        now > last.wall ? HLC(wall: now, counter: 0) : last.successor()
    }

    /// The high-water mark after observing `remote`, or nil when `remote` runs more than
    /// `maxDrift` ahead of this clock and must not be adopted.
    public func receive(_ remote: HLC, after last: HLC, offset: Int64 = 0) -> HLC? {
        receive(remote, after: last, now: physical.now() + offset)
    }

    /// `receive` against a physical time read once by the caller: the hub decides a whole
    /// exchange against one reading, so the fields of one report are adopted or restamped
    /// together even when the clock ticks past the drift limit in the middle of them.
    public func receive(_ remote: HLC, after last: HLC, now: Int64) -> HLC? {
        if remote.wall > now + maxDrift { return nil }
        return Self.merge(last: last, remote: remote, now: now)
    }

    /// Adopts `remote` whatever its distance: for a peer this clock trusts (the agent trusts
    /// the hub, which has already bounded every timestamp it forwards).
    public func observe(_ remote: HLC, after last: HLC, offset: Int64 = 0) -> HLC {
        Self.merge(last: last, remote: remote, now: physical.now() + offset)
    }

    private static func merge(last: HLC, remote: HLC, now: Int64) -> HLC {
        let wall = max(last.wall, remote.wall, now)
        if wall == now && wall > last.wall && wall > remote.wall {
            return HLC(wall: wall, counter: 0)
        }
        // The highest of the timestamps at `wall`, then one more.
        var highest = HLC(wall: wall, counter: 0)
        if last.wall == wall { highest = max(highest, last) }
        if remote.wall == wall { highest = max(highest, remote) }
        return highest.successor()
    }
}
