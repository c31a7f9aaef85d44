/// What orders two writes to the same field: the HLC, then the id of the node that made it.
/// A total order, so every replica picks the same winner whatever order changes arrive in.
public struct Stamp: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var hlc: HLC
    public var node: String

    public init(hlc: HLC, node: String) {
        self.hlc = hlc
        self.node = node
    }

    public static func < (lhs: Stamp, rhs: Stamp) -> Bool {
        if lhs.hlc != rhs.hlc { return lhs.hlc < rhs.hlc }
        return lhs.node.utf8.lexicographicallyPrecedes(rhs.node.utf8)
    }

    public var description: String { "\(hlc)@\(node)" }
}
