import Foundation

/// Notices writes that another process made in the agent's store, the CLI's `progress` and
/// `equipment`, which cannot send the daemon a trigger, and sends `.localWrite` for them.
/// Writes made in the daemon send their trigger themselves.
///
/// On Linux it sleeps until another process closes the store's WAL after writing (inotify,
/// `FileCloseWatch`), then reads the newest outbox sequence: the CLI's write is synced as soon
/// as an in-process one, and an idle daemon never wakes for it. Elsewhere, or when inotify is
/// unavailable, it reads that sequence every few seconds (`poll`). `PRAGMA data_version` would
/// need a connection of its own: it is per connection, and the store's pool reads on several.
public final class OutboxWatcher: @unchecked Sendable {
    private let store: AgentStore
    private let lock = NSLock()
    private var seen: Int64
    #if canImport(Glibc)
    /// Watching from the start, so no write made after `init` is missed.
    private let closes: FileCloseWatch?
    #endif

    public init(store: AgentStore) async throws {
        self.store = store
        #if canImport(Glibc)
        closes = FileCloseWatch(path: store.path + "-wal")
        #endif
        seen = try await store.latestOutboxSeq()
    }

    /// Whether the outbox grew since the last call; called before every sync too, so writes
    /// that sync sends do not make another one.
    public func grew() async -> Bool {
        guard let latest = try? await store.latestOutboxSeq() else { return false }
        return lock.withLock {
            defer { seen = max(seen, latest) }
            return latest > seen
        }
    }

    /// Sends `.localWrite` to `triggers` each time another process's write grew the outbox,
    /// until the task is cancelled (true). False at once where the WAL cannot be watched.
    /// Call it once.
    public func watch(triggers: AsyncStream<SyncTrigger>.Continuation) async -> Bool {
        #if canImport(Glibc)
        guard let closes else { return false }
        await withTaskCancellationHandler {
            // Only the wait for inotify blocks, on a thread of its own; the store is read
            // through its async API, on the pool.
            while (try? await runBlocking { closes.next() }) == true {
                if await grew() { triggers.yield(.localWrite) }
            }
        } onCancel: {
            closes.stop()
        }
        return Task.isCancelled  // else the WAL went away: poll instead
        #else
        return false
        #endif
    }

    /// Checks every `interval` on `clock` and sends `.localWrite` to `triggers` when the
    /// outbox grew, until the task is cancelled.
    public func poll<C: Clock>(every interval: Duration, on clock: C, triggers: AsyncStream<SyncTrigger>.Continuation) async
    where C.Duration == Duration {
        while (try? await clock.sleep(for: interval)) != nil {
            if await grew() { triggers.yield(.localWrite) }
        }
    }
}
