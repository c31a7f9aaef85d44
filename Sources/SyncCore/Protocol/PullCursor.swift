/// Where a node's pull stands, handed out by the hub and sent back unread: which log it is a
/// position in, the hub sequence seen up to, and whether the node's own writes are included.
///
/// **Own writes.** A node normally pulls what others wrote: its own writes are what it sent,
/// so the hub leaves them out. A replica that must end with exactly the hub's state (one
/// restored from a backup and rebound, or one that dropped a write the hub refused) asks for a
/// *full* pull, its own writes included, by sending `fullPull`. The hub then answers negative
/// cursors until the node has caught up, so the mode survives every page of a pull that takes
/// several exchanges; the last page's cursor is positive again.
///
/// **Log identity.** A hub restored from a backup logs anew from the backup's last sequence,
/// so a node's position from before the restore may point past changes it never saw. Every
/// hub log has an id (renewed in each backup copy and by `district-hub restore`), carried in
/// the cursor's high bits: a cursor from another log starts again from the beginning. Cursors
/// from before log ids (id 0) keep the older rule: one beyond the log starts again.
///
/// Encoding: `id << 40 | position`, negated minus one for a full pull. A hub from before this
/// encoding reads `-1` as "from the start" and pages as usual.
public struct PullCursor: Sendable, Hashable {
    /// The log this is a position in; 0 for a cursor from before log ids, or a new node's.
    public var logID: Int64
    /// The hub sequence the node has seen up to.
    public var position: Int64
    /// Whether the node's own writes are included.
    public var full: Bool

    /// Bits of the position: a trillion log entries.
    static let positionBits: Int64 = 40
    /// Log ids are below this, so an encoded cursor never overflows.
    public static let logIDLimit: Int64 = 1 << (63 - positionBits)

    /// The cursor to send to pull everything again, own writes included.
    public static let fullPull: Int64 = -1

    /// A full pull from the start of the log `cursor` is in: keeping the log id, a restore of
    /// the hub that happens meanwhile is still noticed (`logChanged`).
    public static func fullPull(keepingLogOf cursor: Int64) -> Int64 {
        PullCursor(logID: PullCursor(cursor).logID, position: 0, full: true).encoded
    }

    public init(logID: Int64 = 0, position: Int64, full: Bool) {
        precondition((0..<Self.logIDLimit).contains(logID) && (0..<(1 << Self.positionBits)).contains(position),
                     "a log id or a position out of range")
        self.logID = logID
        self.position = position
        self.full = full
    }

    /// Reads a cursor as a node sent it.
    public init(_ cursor: Int64) {
        // -(cursor + 1) cannot overflow: for Int64.min it is Int64.max.
        let magnitude = cursor < 0 ? -(cursor + 1) : cursor
        self.init(logID: magnitude >> Self.positionBits, position: magnitude & ((1 << Self.positionBits) - 1), full: cursor < 0)
    }

    /// Whether the hub answered a cursor `sent` with one of another log: it was restored from
    /// a backup since (never for a cursor from before log ids, or a node's first pull).
    public static func logChanged(sent: Int64, answered: Int64) -> Bool {
        let before = PullCursor(sent)
        return before.logID != 0 && PullCursor(answered).logID != before.logID
    }

    /// The cursor as it travels.
    public var encoded: Int64 {
        let magnitude = logID << Self.positionBits | position
        return full ? -magnitude - 1 : magnitude
    }
}
