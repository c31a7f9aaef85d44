/*
 * The physical limit the hub's merge is measured against: SQLite itself, driven from C with
 * prepared statements, doing the hub's work at the SQL level. Per change: an upsert of the
 * field with the last-writer-wins condition and an audit row; 1,000 changes per transaction,
 * WAL, synchronous as given (FULL, as the hub runs). Prints changes per second.
 *
 *   cc -O2 -o baseline baseline.c -lsqlite3 && ./baseline DB CHANGES [FULL|NORMAL]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s DB CHANGES [FULL|NORMAL]\n", argv[0]);
        return 2;
    }
    const char *path = argv[1];
    long changes = atol(argv[2]);
    const char *synchronous = argc > 3 ? argv[3] : "FULL";
    sqlite3 *db;
    remove(path);
    check(sqlite3_open(path, &db), db, "open");
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA synchronous=%s", synchronous);
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL", 0, 0, 0), db, "wal");
    check(sqlite3_exec(db, pragma, 0, 0, 0), db, "synchronous");
    check(sqlite3_exec(db,
        "CREATE TABLE fields (collection TEXT NOT NULL, record TEXT NOT NULL, field TEXT NOT NULL, value,"
        " wall INTEGER NOT NULL, counter INTEGER NOT NULL, node TEXT NOT NULL, actor TEXT NOT NULL,"
        " PRIMARY KEY (collection, record, field)) WITHOUT ROWID;"
        "CREATE TABLE audit (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, node TEXT NOT NULL, seq INTEGER,"
        " collection TEXT NOT NULL, record TEXT NOT NULL, field TEXT NOT NULL, value, wall INTEGER NOT NULL,"
        " counter INTEGER NOT NULL, actor TEXT NOT NULL, outcome TEXT NOT NULL);"
        "CREATE UNIQUE INDEX audit_node_seq ON audit (node, seq);", 0, 0, 0), db, "schema");
    sqlite3_stmt *upsert, *audit;
    check(sqlite3_prepare_v2(db,
        "INSERT INTO fields VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (collection, record, field) DO UPDATE SET"
        " value = excluded.value, wall = excluded.wall, counter = excluded.counter, node = excluded.node, actor = excluded.actor"
        " WHERE (excluded.wall, excluded.counter, excluded.node) > (fields.wall, fields.counter, fields.node)",
        -1, &upsert, 0), db, "prepare upsert");
    check(sqlite3_prepare_v2(db,
        "INSERT INTO audit (received_at, node, seq, collection, record, field, value, wall, counter, actor, outcome)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'applied')", -1, &audit, 0), db, "prepare audit");

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    char record[64], note[64];
    for (long i = 0; i < changes; i++) {
        if (i % 1000 == 0) check(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0), db, "begin");
        snprintf(record, sizeof record, "commune-%02ld/4.%ld", i % 20, (i / 20) % 5 + 1);
        snprintf(note, sizeof note, "ghi chú %ld", i);
        sqlite3_bind_text(upsert, 1, "progress", -1, SQLITE_STATIC);
        sqlite3_bind_text(upsert, 2, record, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(upsert, 3, "note", -1, SQLITE_STATIC);
        sqlite3_bind_text(upsert, 4, note, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(upsert, 5, 1700000000000 + i);
        sqlite3_bind_int64(upsert, 6, 0);
        sqlite3_bind_text(upsert, 7, "n-0123456789abcdef", -1, SQLITE_STATIC);
        sqlite3_bind_text(upsert, 8, "Nguyễn Văn An", -1, SQLITE_STATIC);
        check(sqlite3_step(upsert), db, "upsert");
        sqlite3_reset(upsert);
        sqlite3_bind_int64(audit, 1, 1700000000000 + i);
        sqlite3_bind_text(audit, 2, "n-0123456789abcdef", -1, SQLITE_STATIC);
        sqlite3_bind_int64(audit, 3, i + 1);
        sqlite3_bind_text(audit, 4, "progress", -1, SQLITE_STATIC);
        sqlite3_bind_text(audit, 5, record, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(audit, 6, "note", -1, SQLITE_STATIC);
        sqlite3_bind_text(audit, 7, note, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(audit, 8, 1700000000000 + i);
        sqlite3_bind_int64(audit, 9, 0);
        sqlite3_bind_text(audit, 10, "Nguyễn Văn An", -1, SQLITE_STATIC);
        check(sqlite3_step(audit), db, "audit");
        sqlite3_reset(audit);
        if (i % 1000 == 999 || i == changes - 1) check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%.0f\n", changes / seconds);
    sqlite3_finalize(upsert);
    sqlite3_finalize(audit);
    sqlite3_close(db);
    return 0;
}
