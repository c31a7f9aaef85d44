/// A hybrid logical clock timestamp: wall-clock milliseconds plus a 32-bit counter that orders
/// events within the same millisecond (or while the physical clock stands still or runs back).
///
/// Ordering is lexicographic on `(wall, counter)`; ties between nodes are broken by `Stamp`.
public struct HLC: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch, as the clock that issued it believed.
    public var wall: Int64
    /// Orders events that share `wall`.
    public var counter: UInt32

    public init(wall: Int64, counter: UInt32 = 0) {
        self.wall = wall
        self.counter = counter
    }

    public static let zero = HLC(wall: 0, counter: 0)

    public static func < (lhs: HLC, rhs: HLC) -> Bool {
        (lhs.wall, lhs.counter) < (rhs.wall, rhs.counter)
    }

    /// The next timestamp after this one: the counter steps, and when it would overflow the
    /// wall steps by one millisecond instead, so the order stays total even under a frozen clock.
    public func successor() -> HLC {
        counter == .max ? HLC(wall: wall + 1, counter: 0) : HLC(wall: wall, counter: counter + 1)
    }

    public var description: String { "\(wall).\(counter)" }
}
