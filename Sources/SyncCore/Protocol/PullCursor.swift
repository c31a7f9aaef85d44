/// Where a node's pull stands: a hub sequence, handed out by the hub and sent back unread.
///
/// A node normally pulls what others wrote: its own writes are what it sent, so the hub leaves
/// them out. A replica that must end with exactly the hub's state (one restored from a backup
/// and rebound, or one that dropped a write the hub refused) asks for a *full* pull, its own
/// writes included, by sending `fullPull`. The hub then answers negative cursors,
/// `-(sequence + 1)`, until the node has caught up, so the mode survives every page of a pull
/// that takes several exchanges; the last page's cursor is positive again. A hub from before
/// this encoding reads `-1` as "from the start" and pages as usual.
public struct PullCursor: Sendable, Hashable {
    /// The hub sequence the node has seen up to.
    public var position: Int64
    /// Whether the node's own writes are included.
    public var full: Bool

    /// The cursor to send to pull everything again, own writes included.
    public static let fullPull: Int64 = -1

    public init(position: Int64, full: Bool) {
        self.position = position
        self.full = full
    }

    /// Reads a cursor as a node sent it.
    public init(_ cursor: Int64) {
        // -(cursor + 1) cannot overflow: for Int64.min it is Int64.max.
        self.init(position: cursor < 0 ? -(cursor + 1) : cursor, full: cursor < 0)
    }

    /// The cursor as it travels.
    public var encoded: Int64 {
        full ? -position - 1 : position
    }
}
