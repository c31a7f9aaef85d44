/// The sync exchange: one round trip that pushes a batch of the node's outbox and pulls the next
/// page of what the hub has for it. Gzip'd JSON over HTTP(S), `POST /v1/sync` (the path names
/// the endpoint's shape; the body's `protocol` names its encoding).
///
/// Protocol 1 sends one object per change, with short keys; protocol 2 sends a batch's changes
/// as columns (`ChangeColumns.swift`), which costs half the bytes on a slow rural link.
public enum SyncProtocol {
    /// The version this build sends.
    public static let version = 2
    /// The versions the hub answers, each in the encoding it was asked in, so a district can
    /// upgrade its hub before every commune has upgraded its agent.
    public static let supportedVersions = 1...2
    public static let path = "/v1/sync"
    /// At most this many changes travel in one direction of one exchange. Round trips, not
    /// bytes, dominate a backlog's time on a 3G line (300 ms each, where 10,000 changes are
    /// about 26 kB gzip'd, 0.8 s at 256 kbit/s), and the hub merges 10,000 in a third of a
    /// second. The agent also stops a batch at `maxRequestBytes`.
    public static let maxChangesPerBatch = 10_000
    /// The agent keeps an uncompressed request under this size.
    public static let maxRequestBytes = 1 << 20
    /// The hub refuses compressed bodies over this size, and inflated ones over 8×.
    public static let maxCompressedBodyBytes = 2 << 20
    public static let maxInflatedBodyBytes = 16 << 20
    /// The hub keeps an uncompressed pull page under about this size.
    public static let maxPullBytes = 512 << 10
}

/// What the agent sends.
public struct SyncRequest: Codable, Hashable, Sendable {
    public var protocolVersion: Int
    /// The node id, which must match the token's.
    public var node: String
    /// The commune the agent was set up for, which must match the token's.
    public var commune: String
    /// The node's own wall clock (uncorrected), for the hub's view of its skew.
    public var clock: Int64
    /// The last hub sequence the node has applied.
    public var cursor: Int64
    /// The most changes the node wants in the reply.
    public var pullLimit: Int?
    /// Outbox entries in sequence order.
    public var changes: [PushedChange]

    enum CodingKeys: String, CodingKey {
        case protocolVersion = "protocol", node, commune, clock, cursor, pullLimit, changes
    }

    public init(node: String, commune: String, clock: Int64, cursor: Int64, pullLimit: Int? = nil, changes: [PushedChange]) {
        self.protocolVersion = SyncProtocol.version
        self.node = node
        self.commune = commune
        self.clock = clock
        self.cursor = cursor
        self.pullLimit = pullLimit
        self.changes = changes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        protocolVersion = try container.decode(Int.self, forKey: .protocolVersion)
        node = try container.decode(String.self, forKey: .node)
        commune = try container.decode(String.self, forKey: .commune)
        clock = try container.decode(Int64.self, forKey: .clock)
        cursor = try container.decode(Int64.self, forKey: .cursor)
        pullLimit = try container.decodeIfPresent(Int.self, forKey: .pullLimit)
        switch protocolVersion {
        case 1: changes = try container.decode([PushedChange].self, forKey: .changes)
        case 2: changes = try container.decode(ChangeColumns.self, forKey: .changes)
            .rows(codingPath: container.codingPath + [CodingKeys.changes]).map(PushedChange.init)
        // Another version's changes are left unread: the hub answers `protocol_version`.
        default: changes = []
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(protocolVersion, forKey: .protocolVersion)
        try container.encode(node, forKey: .node)
        try container.encode(commune, forKey: .commune)
        try container.encode(clock, forKey: .clock)
        try container.encode(cursor, forKey: .cursor)
        try container.encodeIfPresent(pullLimit, forKey: .pullLimit)
        if protocolVersion == 1 {
            try container.encode(changes, forKey: .changes)
        } else {
            try container.encode(ChangeColumns(changes.map(\.row)), forKey: .changes)
        }
    }
}

/// One outbox entry on the wire: the node's sequence number and the field write.
public struct PushedChange: Codable, Hashable, Sendable {
    public var seq: Int64
    public var collection: String
    public var record: String
    public var field: String
    public var value: FieldValue
    public var wall: Int64
    public var counter: UInt32
    public var actor: String

    enum CodingKeys: String, CodingKey {
        case seq = "s", collection = "c", record = "r", field = "f", value = "v", wall = "w", counter = "n", actor = "a"
    }

    public init(seq: Int64, collection: String, record: String, field: String, value: FieldValue, hlc: HLC, actor: String) {
        self.seq = seq
        self.collection = collection
        self.record = record
        self.field = field
        self.value = value
        self.wall = hlc.wall
        self.counter = hlc.counter
        self.actor = actor
    }

    public var hlc: HLC { HLC(wall: wall, counter: counter) }
}

/// What the hub answers once the pushed batch is durably merged.
public struct SyncResponse: Codable, Hashable, Sendable {
    public var protocolVersion: Int
    /// The commune the token is bound to.
    public var commune: String
    /// The hub's wall clock, from which the agent measures its offset.
    public var clock: Int64
    /// Every outbox entry up to this sequence is durably processed (applied, lost, duplicate
    /// or rejected) and may leave the outbox.
    public var acked: Int64
    /// Entries the hub refused, with the reason; one refusal never blocks the rest.
    public var rejected: [Rejection]
    /// Entries whose timestamp ran too far ahead of the hub's clock: the hub stamped them
    /// itself, and the node adopts the hub's stamp so every replica agrees.
    public var restamped: [Restamp]
    /// The next page of changes for this node, in hub sequence order.
    public var changes: [PulledChange]
    /// The hub sequence to send next time.
    public var cursor: Int64
    /// Whether the hub has more for this node right now.
    public var more: Bool

    enum CodingKeys: String, CodingKey {
        case protocolVersion = "protocol", commune, clock, acked, rejected, restamped, changes, cursor, more
    }

    public init(protocolVersion: Int = SyncProtocol.version, commune: String, clock: Int64, acked: Int64,
                rejected: [Rejection], restamped: [Restamp], changes: [PulledChange], cursor: Int64, more: Bool) {
        self.protocolVersion = protocolVersion
        self.commune = commune
        self.clock = clock
        self.acked = acked
        self.rejected = rejected
        self.restamped = restamped
        self.changes = changes
        self.cursor = cursor
        self.more = more
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        protocolVersion = try container.decode(Int.self, forKey: .protocolVersion)
        commune = try container.decode(String.self, forKey: .commune)
        clock = try container.decode(Int64.self, forKey: .clock)
        acked = try container.decode(Int64.self, forKey: .acked)
        rejected = try container.decode([Rejection].self, forKey: .rejected)
        restamped = try container.decode([Restamp].self, forKey: .restamped)
        if protocolVersion == 1 {
            changes = try container.decode([PulledChange].self, forKey: .changes)
        } else {
            let path = container.codingPath + [CodingKeys.changes]
            changes = try container.decode(ChangeColumns.self, forKey: .changes).rows(codingPath: path)
                .map { try PulledChange($0, codingPath: path) }
        }
        cursor = try container.decode(Int64.self, forKey: .cursor)
        more = try container.decode(Bool.self, forKey: .more)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(protocolVersion, forKey: .protocolVersion)
        try container.encode(commune, forKey: .commune)
        try container.encode(clock, forKey: .clock)
        try container.encode(acked, forKey: .acked)
        try container.encode(rejected, forKey: .rejected)
        try container.encode(restamped, forKey: .restamped)
        if protocolVersion == 1 {
            try container.encode(changes, forKey: .changes)
        } else {
            try container.encode(ChangeColumns(changes.map(\.row)), forKey: .changes)
        }
        try container.encode(cursor, forKey: .cursor)
        try container.encode(more, forKey: .more)
    }
}

public struct Rejection: Codable, Hashable, Sendable {
    public var seq: Int64
    public var code: String
    public var reason: String

    public init(seq: Int64, code: String, reason: String) {
        self.seq = seq
        self.code = code
        self.reason = reason
    }
}

public struct Restamp: Codable, Hashable, Sendable {
    public var seq: Int64
    public var wall: Int64
    public var counter: UInt32

    enum CodingKeys: String, CodingKey {
        case seq = "s", wall = "w", counter = "n"
    }

    public init(seq: Int64, hlc: HLC) {
        self.seq = seq
        self.wall = hlc.wall
        self.counter = hlc.counter
    }

    public var hlc: HLC { HLC(wall: wall, counter: counter) }
}

/// A change the hub forwards, with the node that made it.
public struct PulledChange: Codable, Hashable, Sendable {
    public var hubSeq: Int64
    public var collection: String
    public var record: String
    public var field: String
    public var value: FieldValue
    public var wall: Int64
    public var counter: UInt32
    public var node: String
    public var actor: String

    enum CodingKeys: String, CodingKey {
        case hubSeq = "s", collection = "c", record = "r", field = "f", value = "v", wall = "w", counter = "n", node = "o", actor = "a"
    }

    public init(hubSeq: Int64, change: FieldChange) {
        self.hubSeq = hubSeq
        self.collection = change.collection
        self.record = change.record
        self.field = change.field
        self.value = change.value
        self.wall = change.stamp.hlc.wall
        self.counter = change.stamp.hlc.counter
        self.node = change.stamp.node
        self.actor = change.actor
    }

    public var change: FieldChange {
        FieldChange(collection: collection, record: record, field: field, value: value,
                    stamp: Stamp(hlc: HLC(wall: wall, counter: counter), node: node), actor: actor)
    }
}

/// The body of every error answer: `{"error": {"code": …, "message": …}}`.
public struct ErrorBody: Codable, Hashable, Sendable {
    public struct Detail: Codable, Hashable, Sendable {
        public var code: String
        public var message: String
    }

    public var error: Detail

    public init(_ error: SyncError) {
        self.error = Detail(code: error.code.rawValue, message: error.message)
    }
}
