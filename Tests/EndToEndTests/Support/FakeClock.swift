import Foundation
import SyncCore
import Testing

/// A wrong wall clock for a real binary, through `PhysicalClock.system`'s test hook: the file
/// named by `SYNC_TEST_CLOCK_FILE` is read at every clock read, so a test can jump and strobe the
/// clock of a daemon while it runs. Only the wall clock moves, as when a PC's clock is set by
/// hand: timers, timeouts and backoff (on the monotonic clock) keep working. (libfaketime would
/// need no hook, but under it a Swift program loses its command-line arguments.)
final class FakeClock: Sendable {
    let file: String

    /// A clock that starts right, kept in `workspace` under `name`.
    init(workspace: Workspace, name: String) {
        file = workspace.path("\(name).clock")
        set(offsetMillis: 0)
    }

    /// The environment that gives a child process this clock.
    var environment: [String: String] { ["SYNC_TEST_CLOCK_FILE": file] }

    /// Runs the clock `millis` ahead of real time (behind when negative), from now on.
    func set(offsetMillis millis: Int64) {
        write(millis < 0 ? "-\(millis.magnitude)" : "+\(millis)")
    }

    /// Stops the clock at `millis` since the epoch: it reads the same until set again.
    func freeze(atMillis millis: Int64) {
        write("=\(millis)")
    }

    /// Replaces the file in one rename, so a reader never sees it half-written.
    private func write(_ specification: String) {
        let staging = file + ".new"
        FileManager.default.createFile(atPath: staging, contents: Data(specification.utf8))
        _ = rename(staging, file)
    }
}

/// Real time in milliseconds, as the hub (which runs on the real clock) reads it.
func realMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

extension HLC {
    /// Parses the audit's `wall.counter` form.
    init?(audit text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let wall = Int64(parts[0]), let counter = UInt32(parts[1]) else { return nil }
        self.init(wall: wall, counter: counter)
    }
}
