import CShims

/// Stops SQLite counting its memory use: the count takes one process-wide mutex on every
/// allocation SQLite makes, and the hub's threads all merge and read at once. Nothing here
/// reads the count (`sqlite3_memory_used`). Call before the first store opens.
public func disableSQLiteMemoryStatistics() {
    _ = cshims_sqlite_disable_memstatus()
}
