/// The per-field merge rule, as a pure function: the greater `Stamp` wins.
///
/// Applying changes with it is commutative, associative and idempotent, which is what lets
/// replicas converge whatever the order, repetition or grouping of the batches they exchange.
public enum LastWriterWins {
    /// What happens to an incoming write against the field's current stamp (nil: never written).
    public enum Outcome: String, Sendable, Codable {
        /// The incoming write is newer and replaces the current value.
        case applied
        /// The current value is newer; the incoming write is kept in the audit only.
        case lost
        /// The very same write (same stamp) is already there.
        case duplicate
    }

    public static func outcome(incoming: Stamp, current: Stamp?) -> Outcome {
        guard let current else { return .applied }
        if incoming == current { return .duplicate }
        return incoming > current ? .applied : .lost
    }

    /// The same rule against a stored field, reading its node only when the clocks tie: the
    /// hub merges thousands of changes a second, and the node is a string to copy out of SQLite.
    public static func outcome(incoming: Stamp, currentHLC: HLC, currentNode: () -> String) -> Outcome {
        guard incoming.hlc == currentHLC else { return incoming.hlc > currentHLC ? .applied : .lost }
        return outcome(incoming: incoming, current: Stamp(hlc: currentHLC, node: currentNode()))
    }
}
