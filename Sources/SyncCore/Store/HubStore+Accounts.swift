import Crypto
import Foundation
import GRDB

/// A district account's role: viewers read, admins also edit tasks and review reports, an
/// office's account also reports progress on that office's tasks.
public enum DashboardRole: String, Sendable, Codable, CaseIterable {
    case viewer
    case admin
    case office
}

/// A signed-in district user, as the dashboard's session middleware finds them.
public struct DashboardSession: Sendable, Hashable {
    public var user: String
    public var role: DashboardRole
    /// The token every form of this session must carry.
    public var csrf: String
    /// The district office an `office` account reports for, as the tasks name it.
    public var office: String?

    public init(user: String, role: DashboardRole, csrf: String, office: String? = nil) {
        self.user = user
        self.role = role
        self.csrf = csrf
        self.office = office
    }
}

extension HubStore {
    /// How long a sign-in lasts.
    public static let sessionLifetimeMs: Int64 = 12 * 3_600_000
    /// How long a sign-in lasts unused: a browser left open on a shared office PC.
    public static let sessionIdleMs: Int64 = 30 * 60_000
    /// A session's last use is written at most this often, not on every page.
    static let sessionTouchMs: Int64 = 60_000

    /// Adds (or replaces the password and role of) a district account. The caller hashes the
    /// password with a slow KDF; the store never sees it.
    public func addUser(name: String, passwordHash: String, role: DashboardRole, office: String? = nil) async throws {
        let name = name.cleanedInput, office = office?.cleanedInput
        guard !name.isEmpty, name.count <= 100 else { throw SyncError(.invalidInput, "a user name is 1 to 100 characters") }
        guard (role == .office) == (office.map { !$0.isEmpty } ?? false), (office?.count ?? 0) <= 200 else {
            throw SyncError(.invalidInput, "an office account needs its office (--office), and only an office account has one")
        }
        try await write { [self] db in
            try db.execute(sql: """
                INSERT INTO users(name, password_hash, role, created_at, office) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role, office = excluded.office
                """, arguments: [name, passwordHash, role.rawValue, clock.physical.now(), office])
            // A new password ends the sessions signed in with the old one.
            try db.execute(sql: "DELETE FROM sessions WHERE user = ?", arguments: [name])
        }
    }

    /// The stored password hash and role of an account.
    public func account(named name: String) async throws -> (passwordHash: String, role: DashboardRole)? {
        let name = name.cleanedInput
        return try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT password_hash, role FROM users WHERE name = ?", arguments: [name]),
                let role = DashboardRole(rawValue: row[1])
            else { return nil }
            return (row[0], role)
        }
    }

    /// Opens a session: returns the cookie token (only its hash is stored) and the CSRF token.
    public func createSession(user: String) async throws -> (token: String, csrf: String) {
        let token = Self.randomHex(32)
        let csrf = Self.randomHex(32)
        let hash = Self.tokenHash(token)
        let now = clock.physical.now()
        try await write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at < ?1 OR coalesce(last_seen, created_at) < ?1 - ?2",
                           arguments: [now, Self.sessionIdleMs])
            try db.execute(sql: "INSERT INTO sessions(token_hash, user, csrf, created_at, expires_at, last_seen) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [hash, user.cleanedInput, csrf, now, now + Self.sessionLifetimeMs, now])
        }
        return (token, csrf)
    }

    /// The live session behind a cookie token, if any: not past its 12 hours, and used within
    /// the idle limit. Using it keeps it alive (its last use is written once a minute at most).
    public func session(token: String) async throws -> DashboardSession? {
        guard token.utf8.count == 64 else { return nil }
        let hash = Self.tokenHash(token)
        let now = clock.physical.now()
        let found = try await read { db -> (DashboardSession, lastSeen: Int64)? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT s.user, u.role, s.csrf, coalesce(s.last_seen, s.created_at), u.office FROM sessions s JOIN users u ON u.name = s.user
                WHERE s.token_hash = ? AND s.expires_at >= ? AND coalesce(s.last_seen, s.created_at) >= ?
                """, arguments: [hash, now, now - Self.sessionIdleMs]), let role = DashboardRole(rawValue: row[1])
            else { return nil }
            return (DashboardSession(user: row[0], role: role, csrf: row[2], office: row[4]), row[3])
        }
        guard let (session, lastSeen) = found else { return nil }
        if now - lastSeen >= Self.sessionTouchMs {
            try await write { db in
                try db.execute(sql: "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", arguments: [now, hash])
            }
        }
        return session
    }

    public func endSession(token: String) async throws {
        let hash = Self.tokenHash(token)
        try await write { db in try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [hash]) }
    }

    /// A random token for a browser cookie (a pre-session CSRF token).
    public static func newBrowserToken() -> String {
        randomHex(32)
    }

    static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }.hexadecimal
    }
}
