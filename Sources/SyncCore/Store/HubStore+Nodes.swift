import Crypto
import Foundation
import GRDB

/// A node as the hub knows it after checking its token: the commune comes from the token's
/// enrollment, never from the request.
public struct NodeIdentity: Sendable, Hashable {
    public var node: String
    public var commune: String
}

/// What `district-hub enroll` hands out once.
public struct Enrollment: Sendable {
    public var node: String
    public var commune: String
    /// `<node>.<commune>.<64 hex digits>` (see `NodeToken`): 256 random bits; only its
    /// SHA-256 is stored.
    public var token: String
}

/// A node as `district-hub nodes` lists it.
public struct NodeInfo: Encodable, Sendable, Hashable {
    public var node: String
    public var commune: String
    public var label: String?
    public var createdAt: String
    public var revokedAt: String?
    /// ISO 8601 of the last successful exchange, or null.
    public var lastSeen: String?
    public var lastSeenMillis: Int64?
    /// The last outbox sequence the hub processed from it.
    public var lastSeq: Int64
    /// Hub clock minus the node's clock at its last exchange.
    public var clockOffsetMs: Int64?
    public var lastError: String?
}
extension HubStore {
    /// Creates a node bound to `commune` (creating the commune when unknown) and its token.
    public func enroll(commune: String, name: String?, label: String?) async throws -> Enrollment {
        guard Identifiers.isCommuneCode(commune) else {
            throw SyncError(.invalidInput, "commune code must be lowercase ASCII letters, digits and '-', at most 32: \(commune)")
        }
        var generator = SystemRandomNumberGenerator()
        let node = "n-" + (0..<8).map { _ in UInt8.random(in: .min ... .max, using: &generator) }.hexadecimal
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }.hexadecimal
        let token = "\(node).\(commune).\(secret)"
        let known = try await read { [self] db in try currentField(FieldKey(collection: RecordCollection.communes.rawValue, record: commune, field: "name"), db) }
        if known == nil || name != nil {
            let displayName = name?.cleanedInput ?? commune
            if known?.value != .text(displayName) {
                try await recordDistrict([FieldWrite(collection: RecordCollection.communes.rawValue, record: commune,
                                                     field: "name", value: .text(displayName))], actor: "district-hub enroll")
            }
        }
        try await write { [self] db in
            try db.execute(sql: """
                INSERT INTO nodes(id, commune, token_hash, label, created_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [node, commune, Self.tokenHash(token), label?.cleanedInput, clock.physical.now()])
        }
        return Enrollment(node: node, commune: commune, token: token)
    }

    /// Remembers why a node's last request was refused as a whole (bad body, wrong commune…).
    public func recordNodeError(node: String, _ message: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE nodes SET last_error = ? WHERE id = ?", arguments: [message, node])
        }
    }

    /// Every enrolled node, by commune.
    public func nodes() async throws -> [NodeInfo] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, commune, label, created_at, revoked_at, last_seen, last_seq, clock_offset_ms, last_error
                FROM nodes ORDER BY commune, created_at
                """).map { row in
                    NodeInfo(node: row[0], commune: row[1], label: row[2], createdAt: isoTimestamp(millis: row[3]),
                             revokedAt: (row[4] as Int64?).map(isoTimestamp(millis:)),
                             lastSeen: (row[5] as Int64?).map(isoTimestamp(millis:)), lastSeenMillis: row[5],
                             lastSeq: row[6], clockOffsetMs: row[7], lastError: row[8])
                }
        }
    }

    /// Marks a node's token revoked: its next request gets 401.
    public func revoke(node: String) async throws {
        let changed = try await write { [self] db in
            try db.execute(sql: "UPDATE nodes SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                           arguments: [clock.physical.now(), node])
            return db.changesCount
        }
        if changed == 0 { throw SyncError(.invalidInput, "no active node \(node)") }
    }

    /// The node a bearer token belongs to. The lookup is by SHA-256 of the token, so the
    /// comparison never touches the secret itself and takes the same time for every guess.
    public func authenticate(token: String) async throws -> NodeIdentity {
        guard token.utf8.count < 200 else { throw SyncError(.unauthorized, "unknown token") }
        let hash = Self.tokenHash(token)
        let found = try await read { db -> (node: String, commune: String, revoked: Bool)? in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, commune, revoked_at FROM nodes WHERE token_hash = ?"),
                                             arguments: [hash]) else { return nil }
            return (row[0], row[1], (row[2] as Int64?) != nil)
        }
        guard let found else { throw SyncError(.unauthorized, "unknown token") }
        if found.revoked { throw SyncError(.unauthorized, "token revoked") }
        return NodeIdentity(node: found.node, commune: found.commune)
    }

    static func tokenHash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }
}
