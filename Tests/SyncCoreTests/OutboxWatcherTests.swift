import Foundation
import SyncCore
import TestSupport
import Testing

@Suite("Outbox watcher", .timeLimit(.minutes(1)))
struct OutboxWatcherTests {
    /// What `commune-agent progress` does: a write on its own connection to the same file.
    private func writeAsTheCLI(_ node: Replica) async throws {
        let cli = try AgentStore(path: node.store.path, create: false)
        let writes = try ProgressReport(task: "4.1", status: .done, by: "Cán bộ").writes(commune: "long-dong", current: [:])
        try await cli.record(writes, actor: "Cán bộ", node: node.identity.node)
    }

    /// What the CLI's exit does to the WAL: another process closes it after opening it to
    /// write. (SQLite keeps a closed connection's files open while another connection of the
    /// same process uses them, so an in-process write alone cannot show this.)
    private func closeForWritingInAnotherProcess(_ path: String) throws {
        let shell = try Process.run(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", ": >> \"$0\"", path])
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
    }

    @Test("a write by another process wakes the watcher when that process closes the store, and counts once")
    func watchesTheWAL() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        let watcher = try await OutboxWatcher(store: node.store)
        #expect(await !watcher.grew())
        let (triggers, sink) = AsyncStream.makeStream(of: SyncTrigger.self)
        let task = Task { await watcher.watch(triggers: sink) }
        try await writeAsTheCLI(node)
        try closeForWritingInAnotherProcess(node.store.path + "-wal")
        var received = triggers.makeAsyncIterator()
        #expect(await received.next() == .localWrite)
        #expect(await !watcher.grew())
        task.cancel()
        #expect(await task.value)
    }

    @Test("where the WAL cannot be watched, the outbox is read every interval")
    func polls() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        let watcher = try await OutboxWatcher(store: node.store)
        let clock = ManualClock(millis: 0)
        let (triggers, sink) = AsyncStream.makeStream(of: SyncTrigger.self)
        let task = Task { await watcher.poll(every: .seconds(5), on: clock, triggers: sink) }
        try await writeAsTheCLI(node)
        await clock.waitForSleepers()
        clock.advance(by: .seconds(5))
        var received = triggers.makeAsyncIterator()
        #expect(await received.next() == .localWrite)
        #expect(await !watcher.grew())
        task.cancel()
        await task.value
    }
}
