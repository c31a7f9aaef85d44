/*
 * The physical limit the hub's merge is measured against: SQLite itself, driven from C with
 * prepared statements, 1,000 changes per transaction, WAL, synchronous as given (FULL, as the
 * hub runs). Prints changes per second. Two workloads:
 *
 *   hub     the SQL the hub runs per change, on a store the hub's own migrations created
 *           (`sync-bench empty-hub PATH`), so tables and indexes are exactly the hub's: read the
 *           field's stamp and value, upsert it when the change wins (last-writer-wins), append
 *           the change to hub_log for its commune, append the audit row with the old value.
 *           The changes are those of `sync-bench merge`: notes and percentages of one
 *           commune's five tasks.
 *   minimal the reference workload: an upsert carrying the LWW condition and one audit
 *           row per change, composite key, unique audit index, on a schema made here.
 *
 *   spin    no SQLite: milliseconds a fixed arithmetic loop takes, the machine's speed at the
 *           time. This machine is a shared VM whose CPU runs at half speed at times; the
 *           absolute numbers of a run (the 1,000-node p99 above all) scale with it.
 *
 *   cc -O2 -o baseline baseline.c -lsqlite3
 *   ./baseline hub DB CHANGES [FULL|NORMAL]       (DB made by sync-bench empty-hub)
 *   ./baseline minimal DB CHANGES [FULL|NORMAL]   (DB is replaced)
 *   ./baseline spin
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static sqlite3 *db;

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *statement;
    check(sqlite3_prepare_v2(db, sql, -1, &statement, 0), sql);
    return statement;
}

static void text(sqlite3_stmt *statement, int index, const char *value) {
    sqlite3_bind_text(statement, index, value, -1, SQLITE_TRANSIENT);
}

static void run(sqlite3_stmt *statement, const char *what) {
    check(sqlite3_step(statement), what);
    sqlite3_reset(statement);
}

static const char *node = "n-0123456789abcdef", *actor = "Nguyễn Văn An";

/* One change of the hub workload, as the hub merges it. */
static void hub_change(long i, sqlite3_stmt *current, sqlite3_stmt *upsert, sqlite3_stmt *log, sqlite3_stmt *audit) {
    char record[32], note[64];
    snprintf(record, sizeof record, "c-00/4.%ld", i % 5 + 1);
    int is_note = i % 2 == 0;
    const char *field = is_note ? "note" : "percent";
    snprintf(note, sizeof note, "Đã thực hiện bước %ld", i);
    long long wall = 1700000000000LL + i;

    text(current, 1, "progress");
    text(current, 2, record);
    text(current, 3, field);
    int wins = 1;
    int rc = sqlite3_step(current);
    check(rc, "current");
    if (rc == SQLITE_ROW) {
        long long old_wall = sqlite3_column_int64(current, 1), old_counter = sqlite3_column_int64(current, 2);
        const char *old_node = (const char *)sqlite3_column_text(current, 3);
        wins = wall > old_wall || (wall == old_wall && (0 > old_counter || (0 == old_counter && strcmp(node, old_node) > 0)));
        sqlite3_bind_value(audit, 9, sqlite3_column_value(current, 0));
    } else {
        sqlite3_bind_null(audit, 9);
    }
    sqlite3_reset(current);

    sqlite3_stmt *targets[] = {upsert, log};
    int first[] = {1, 2};
    for (int t = 0; wins && t < 2; t++) {
        sqlite3_stmt *s = targets[t];
        int k = first[t];
        text(s, k, "progress");
        text(s, k + 1, record);
        text(s, k + 2, field);
        if (is_note) text(s, k + 3, note); else sqlite3_bind_int64(s, k + 3, i % 101);
        sqlite3_bind_int64(s, k + 4, wall);
        sqlite3_bind_int64(s, k + 5, 0);
        text(s, k + 6, node);
        text(s, k + 7, actor);
    }
    if (wins) {
        run(upsert, "upsert");
        text(log, 1, "c-00");
        run(log, "hub_log");
    }

    sqlite3_bind_int64(audit, 1, 1800000000000LL);
    text(audit, 2, node);
    sqlite3_bind_int64(audit, 3, i + 1);
    text(audit, 4, "c-00");
    text(audit, 5, "progress");
    text(audit, 6, record);
    text(audit, 7, field);
    if (is_note) text(audit, 8, note); else sqlite3_bind_int64(audit, 8, i % 101);
    sqlite3_bind_int64(audit, 10, wall);
    sqlite3_bind_int64(audit, 11, 0);
    sqlite3_bind_int64(audit, 12, wall);
    sqlite3_bind_int64(audit, 13, 0);
    text(audit, 14, actor);
    text(audit, 15, wins ? "applied" : "lost");
    sqlite3_bind_null(audit, 16);
    sqlite3_bind_null(audit, 17);
    run(audit, "audit");
}

/* One change of the minimal workload: LWW upsert and audit row. */
static void minimal_change(long i, sqlite3_stmt *upsert, sqlite3_stmt *audit) {
    char record[64], note[64];
    snprintf(record, sizeof record, "commune-%02ld/4.%ld", i % 20, (i / 20) % 5 + 1);
    snprintf(note, sizeof note, "ghi chú %ld", i);
    text(upsert, 1, "progress");
    text(upsert, 2, record);
    text(upsert, 3, "note");
    text(upsert, 4, note);
    sqlite3_bind_int64(upsert, 5, 1700000000000 + i);
    sqlite3_bind_int64(upsert, 6, 0);
    text(upsert, 7, node);
    text(upsert, 8, actor);
    run(upsert, "upsert");
    sqlite3_bind_int64(audit, 1, 1700000000000 + i);
    text(audit, 2, node);
    sqlite3_bind_int64(audit, 3, i + 1);
    text(audit, 4, "progress");
    text(audit, 5, record);
    text(audit, 6, "note");
    text(audit, 7, note);
    sqlite3_bind_int64(audit, 8, 1700000000000 + i);
    sqlite3_bind_int64(audit, 9, 0);
    text(audit, 10, actor);
    run(audit, "audit");
}

/* Milliseconds for 300 million multiply-adds that the compiler may not remove. */
static double spin(void) {
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    volatile unsigned long sink = 0;
    for (unsigned long i = 0; i < 300000000UL; i++) sink += i * i;
    clock_gettime(CLOCK_MONOTONIC, &end);
    return (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "spin") == 0) {
        printf("%.0f\n", spin());
        return 0;
    }
    if (argc < 4 || (strcmp(argv[1], "hub") != 0 && strcmp(argv[1], "minimal") != 0)) {
        fprintf(stderr, "usage: %s hub|minimal DB CHANGES [FULL|NORMAL] | spin\n", argv[0]);
        return 2;
    }
    int hub = strcmp(argv[1], "hub") == 0;
    const char *path = argv[2];
    long changes = atol(argv[3]);
    const char *synchronous = argc > 4 ? argv[4] : "FULL";
    if (!hub) remove(path);
    /* As the hub does (disableSQLiteMemoryStatistics): no global mutex per allocation. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    check(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | (hub ? 0 : SQLITE_OPEN_CREATE), 0), "open");
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA synchronous=%s", synchronous);
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL", 0, 0, 0), "wal");
    check(sqlite3_exec(db, pragma, 0, 0, 0), "synchronous");

    sqlite3_stmt *current = 0, *upsert, *log = 0, *audit;
    if (hub) {
        current = prepare("SELECT value, wall, counter, node FROM fields WHERE collection = ?1 AND record = ?2 AND field = ?3");
        upsert = prepare("INSERT INTO fields(collection, record, field, value, wall, counter, node, actor)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(collection, record, field) DO UPDATE SET"
                         " value = excluded.value, wall = excluded.wall, counter = excluded.counter,"
                         " node = excluded.node, actor = excluded.actor");
        log = prepare("INSERT INTO hub_log(audience, collection, record, field, value, wall, counter, node, actor)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        audit = prepare("INSERT INTO audit(received_at, node, seq, commune, collection, record, field, value, old_value,"
                        " wall, counter, applied_wall, applied_counter, actor, outcome, reason_code, reason)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
    } else {
        check(sqlite3_exec(db,
            "CREATE TABLE fields (collection TEXT NOT NULL, record TEXT NOT NULL, field TEXT NOT NULL, value,"
            " wall INTEGER NOT NULL, counter INTEGER NOT NULL, node TEXT NOT NULL, actor TEXT NOT NULL,"
            " PRIMARY KEY (collection, record, field)) WITHOUT ROWID;"
            "CREATE TABLE audit (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, node TEXT NOT NULL, seq INTEGER,"
            " collection TEXT NOT NULL, record TEXT NOT NULL, field TEXT NOT NULL, value, wall INTEGER NOT NULL,"
            " counter INTEGER NOT NULL, actor TEXT NOT NULL, outcome TEXT NOT NULL);"
            "CREATE UNIQUE INDEX audit_node_seq ON audit (node, seq);", 0, 0, 0), "schema");
        upsert = prepare("INSERT INTO fields VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (collection, record, field)"
                         " DO UPDATE SET value = excluded.value, wall = excluded.wall, counter = excluded.counter,"
                         " node = excluded.node, actor = excluded.actor"
                         " WHERE (excluded.wall, excluded.counter, excluded.node) > (fields.wall, fields.counter, fields.node)");
        audit = prepare("INSERT INTO audit (received_at, node, seq, collection, record, field, value, wall, counter, actor, outcome)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'applied')");
    }

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < changes; i++) {
        if (i % 1000 == 0) check(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0), "begin");
        if (hub) hub_change(i, current, upsert, log, audit); else minimal_change(i, upsert, audit);
        if (i % 1000 == 999 || i == changes - 1) check(sqlite3_exec(db, "COMMIT", 0, 0, 0), "commit");
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%.0f\n", changes / seconds);
    sqlite3_finalize(current);
    sqlite3_finalize(upsert);
    sqlite3_finalize(log);
    sqlite3_finalize(audit);
    sqlite3_close(db);
    return 0;
}
