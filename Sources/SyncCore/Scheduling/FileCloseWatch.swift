#if canImport(Glibc)
import Glibc

/// Another process closing a file it had open for writing, from inotify. The agent watches its
/// store's WAL: SQLite keeps it open in the daemon, and the CLI closes it when it exits, by
/// which time its write is committed and visible (a modification event could come before the
/// commit is, and the daemon's own writes would fire it too).
final class FileCloseWatch: @unchecked Sendable {
    private let inotify: Int32
    /// A pipe `stop()` writes to, to end a `next()` blocked in poll(2).
    private let wake: (read: Int32, write: Int32)

    init?(path: String) {
        var pipeEnds: [Int32] = [-1, -1]
        inotify = inotify_init1(Int32(IN_CLOEXEC))
        let piped = pipe(&pipeEnds) == 0
        wake = (pipeEnds[0], pipeEnds[1])
        guard inotify >= 0, piped, inotify_add_watch(inotify, path, UInt32(IN_CLOSE_WRITE)) >= 0 else {
            for fd in [inotify, wake.read, wake.write] where fd >= 0 { close(fd) }
            return nil
        }
    }

    deinit {
        for fd in [inotify, wake.read, wake.write] { close(fd) }
    }

    /// Blocks until the file is closed after writing (true), or until `stop()` or the file is
    /// gone (false). Run it on a thread of its own.
    func next() -> Bool {
        var fds = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
        while poll(&fds, 2, -1) < 0 {
            guard errno == EINTR else { return false }
        }
        guard fds[1].revents == 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(inotify, &buffer, buffer.count)
        guard count > 0 else { return false }
        // Each event is an `inotify_event` (wd, mask, cookie, len) followed by `len` bytes of name.
        return buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let event = bytes.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                if event.mask & UInt32(IN_IGNORED) != 0 { return false }  // deleted or unmounted: watch no more
                offset += MemoryLayout<inotify_event>.size + Int(event.len)
            }
            return true
        }
    }

    func stop() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }
}
#endif
