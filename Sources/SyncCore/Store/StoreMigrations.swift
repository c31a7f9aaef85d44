import GRDB

/// The schema of each role, append-only: a released migration is never edited, only followed
/// by a new one. Identifiers are those of the single store that came before the split, so a
/// file made then opens and migrates in place; `v4-*` then drops what the role never uses.
enum Migrations {
    /// The tables every replica has: `meta`, the clock and the merged fields.
    static func registerReplica(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1-replica") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT) WITHOUT ROWID;

                -- The HLC high-water mark, and the offset the agent measured against the hub.
                CREATE TABLE clock (
                  id INTEGER PRIMARY KEY CHECK (id = 1),
                  wall INTEGER NOT NULL, counter INTEGER NOT NULL, offset_ms INTEGER NOT NULL);
                INSERT INTO clock (id, wall, counter, offset_ms) VALUES (1, 0, 0, 0);

                -- The merged state: one row per field, with the stamp of the write that won.
                CREATE TABLE fields (
                  collection TEXT NOT NULL, record TEXT NOT NULL, field TEXT NOT NULL,
                  value, wall INTEGER NOT NULL, counter INTEGER NOT NULL,
                  node TEXT NOT NULL, actor TEXT NOT NULL,
                  PRIMARY KEY (collection, record, field)) WITHOUT ROWID;
                """)
        }
    }

    static var agent: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        registerReplica(&migrator)
        migrator.registerMigration("v1-agent") { db in
            try db.execute(sql: """
                -- Local writes in the order made; kept after acknowledgement as the office's history.
                CREATE TABLE outbox (
                  seq INTEGER PRIMARY KEY AUTOINCREMENT,
                  collection TEXT NOT NULL, record TEXT NOT NULL, field TEXT NOT NULL, value,
                  wall INTEGER NOT NULL, counter INTEGER NOT NULL, actor TEXT NOT NULL,
                  created_at INTEGER NOT NULL,
                  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acked', 'rejected')),
                  reason_code TEXT, reason TEXT);
                CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'pending';
                """)
        }
        migrator.registerMigration("v4-agent-only") { db in
            // Before the split every file had the hub's tables too, empty on an office PC.
            try dropForeignTables(["sessions", "users", "audit", "hub_log", "nodes"],
                                  migrations: ["v1-hub", "v2-dashboard", "v3-audit-indexes"], role: .agent, db)
        }
        migrator.registerMigration("v7-agent-uploads") { db in
            try db.execute(sql: """
                -- Evidence files this PC attached, until the hub holds them whole (FileUploader).
                CREATE TABLE uploads (
                  sha256 TEXT PRIMARY KEY NOT NULL, size INTEGER NOT NULL,
                  uploaded_bytes INTEGER NOT NULL DEFAULT 0,
                  state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'uploading', 'uploaded', 'refused')),
                  created_at INTEGER NOT NULL, last_error TEXT) WITHOUT ROWID;
                """)
        }
        return migrator
    }

    static var hub: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        registerReplica(&migrator)
        migrator.registerMigration("v1-hub") { db in
            try db.execute(sql: """
                CREATE TABLE nodes (
                  id TEXT PRIMARY KEY NOT NULL, commune TEXT NOT NULL,
                  token_hash BLOB NOT NULL UNIQUE, label TEXT,
                  created_at INTEGER NOT NULL, revoked_at INTEGER,
                  last_seq INTEGER NOT NULL DEFAULT 0, last_seen INTEGER,
                  clock_offset_ms INTEGER, last_error TEXT);

                -- What nodes pull: every applied write, once per audience (a commune code, or
                -- '*' for every commune); the hub sequence is the pull cursor.
                CREATE TABLE hub_log (
                  seq INTEGER PRIMARY KEY, audience TEXT NOT NULL,
                  collection TEXT NOT NULL, record TEXT NOT NULL, field TEXT NOT NULL, value,
                  wall INTEGER NOT NULL, counter INTEGER NOT NULL, node TEXT NOT NULL, actor TEXT NOT NULL);
                CREATE INDEX hub_log_audience ON hub_log (audience, seq);

                -- Every change the hub received, forever, with what became of it.
                CREATE TABLE audit (
                  id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL,
                  node TEXT NOT NULL, seq INTEGER, commune TEXT,
                  collection TEXT NOT NULL, record TEXT NOT NULL, field TEXT NOT NULL,
                  value, old_value, wall INTEGER NOT NULL, counter INTEGER NOT NULL,
                  applied_wall INTEGER, applied_counter INTEGER, actor TEXT NOT NULL,
                  outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'lost', 'duplicate', 'rejected')),
                  reason_code TEXT, reason TEXT);
                CREATE UNIQUE INDEX audit_node_seq ON audit (node, seq)
                  WHERE seq IS NOT NULL AND outcome <> 'duplicate';
                CREATE INDEX audit_commune ON audit (commune, id);
                CREATE INDEX audit_record ON audit (collection, record, field);
                """)
        }
        migrator.registerMigration("v2-dashboard") { db in
            try db.execute(sql: """
                -- District staff who sign in to the dashboard; passwords as slow-KDF hashes.
                CREATE TABLE users (
                  name TEXT PRIMARY KEY NOT NULL, password_hash TEXT NOT NULL,
                  role TEXT NOT NULL CHECK (role IN ('viewer', 'admin')), created_at INTEGER NOT NULL) WITHOUT ROWID;
                -- Signed-in browsers: the cookie token's SHA-256, never the token.
                CREATE TABLE sessions (
                  token_hash BLOB PRIMARY KEY NOT NULL, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                  csrf TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3-audit-indexes") { db in
            // No query used these: the audit page reads newest first by id and stops at its
            // page (a filter on commune has an OR that no index serves), and nothing looks up
            // one field's history by key. Each cost a B-tree insert for every change the hub
            // merged (`Benchmarks/README.md`, run 7).
            try db.execute(sql: "DROP INDEX audit_commune; DROP INDEX audit_record;")
        }
        migrator.registerMigration("v4-hub-only") { db in
            // Before the split every file had the agent's outbox too, empty at the district.
            try dropForeignTables(["outbox"], migrations: ["v1-agent"], role: .hub, db)
        }
        migrator.registerMigration("v5-hub-log-id") { db in
            try HubLog.renew(db)
        }
        migrator.registerMigration("v6-session-last-seen") { db in
            // The idle limit; sessions opened before it count from their sign-in.
            try db.execute(sql: "ALTER TABLE sessions ADD COLUMN last_seen INTEGER")
        }
        migrator.registerMigration("v7-hub-files") { db in
            try db.execute(sql: """
                -- Evidence files held whole in `<store>-files/objects/`, checked against their SHA-256.
                CREATE TABLE files (
                  sha256 TEXT PRIMARY KEY NOT NULL, size INTEGER NOT NULL, type TEXT NOT NULL,
                  stored_at INTEGER NOT NULL) WITHOUT ROWID;
                -- The communes that uploaded each, whose quota it counts against.
                CREATE TABLE file_owners (
                  commune TEXT NOT NULL, sha256 TEXT NOT NULL REFERENCES files(sha256),
                  PRIMARY KEY (commune, sha256)) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v8-office-accounts") { db in
            // A third role, bound to one district office. SQLite cannot change a CHECK in place.
            try db.execute(sql: """
                CREATE TABLE users_new (
                  name TEXT PRIMARY KEY NOT NULL, password_hash TEXT NOT NULL,
                  role TEXT NOT NULL CHECK (role IN ('viewer', 'admin', 'office')), created_at INTEGER NOT NULL,
                  office TEXT, CHECK ((role = 'office') = (office IS NOT NULL))) WITHOUT ROWID;
                INSERT INTO users_new(name, password_hash, role, created_at) SELECT name, password_hash, role, created_at FROM users;
                DROP TABLE users;
                ALTER TABLE users_new RENAME TO users;
                """)
        }
        migrator.registerMigration("v9-audit-indexes") { db in
            // The audit page's filters and deep pages, at an index lookup's cost after years of
            // use (`AuditQuery`). Each ends in the id (implicitly for received_at) so a filter
            // reads newest first and stops at its page; the partial one holds only the rows
            // written by others than the record's commune: the district's, and refused ones. What each costs at ingest: `Benchmarks/README.md`.
            try db.execute(sql: """
                CREATE INDEX audit_commune ON audit (commune, collection, id);
                CREATE INDEX audit_record_others ON audit (record) WHERE commune IS NULL OR outcome = 'rejected';
                CREATE INDEX audit_collection ON audit (collection, id);
                CREATE INDEX audit_field ON audit (field, id);
                CREATE INDEX audit_outcome ON audit (outcome, id);
                CREATE INDEX audit_received ON audit (received_at);
                """)
        }
        return migrator
    }

    /// Drops the other role's tables from a file made before the split, after checking they
    /// are empty: rows there mean the file is the other program's, and it is refused whole
    /// (the migration rolls back). Their migrations leave the ledger with them, and the file
    /// is marked with its role.
    private static func dropForeignTables(_ tables: [String], migrations: [String], role: StoreRole, _ db: Database) throws {
        for table in tables where try db.tableExists(table) {
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table))") == true {
                throw SyncError(.invalidInput, "this is the store of \(role.other.owner) (its table \(table) has rows), not of \(role.owner): check --db")
            }
            try db.drop(table: table)
        }
        for identifier in migrations {
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [identifier])
        }
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [SharedMeta.role, role.rawValue])
    }
}
