import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket standing in for systemd's notify socket: collects what a daemon sends.
/// Like systemd it reads as datagrams come, on a thread of its own, unless told not to (to
/// leave its queue full for a daemon that must not block on it).
final class NotifySocket: @unchecked Sendable {
    /// What to put in `NOTIFY_SOCKET`: a path, or `@name` for an abstract socket.
    let address: String
    private let fd: Int32
    private let readsContinuously: Bool
    private let lock = NSLock()
    private var received: [String] = []

    var messages: [String] { lock.withLock { received } }

    init(abstract: Bool, directory: URL, readsContinuously: Bool = true) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        let name = abstract ? "@commune-sync-test-\(UUID().uuidString.prefix(12))" : directory.appendingPathComponent("notify.sock").path
        address = name
        self.readsContinuously = readsContinuously
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard fd >= 0, bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if readsContinuously {
            // A weak reference between reads: the socket closes once the test lets it go.
            Thread { [weak self] in
                while let socket = self { socket.receiveOne() }
            }.start()
        }
    }

    deinit {
        close(fd)
        if !address.hasPrefix("@") { unlink(address) }
    }

    /// Waits up to 200 ms for one datagram and keeps it.
    private func receiveOne() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        if count > 0 {
            let message = String(decoding: buffer[..<count], as: UTF8.self)
            lock.withLock { received.append(message) }
        }
    }

    /// Waits until a received datagram contains `assignment` (e.g. "READY=1"); false on timeout.
    func wait(for assignment: String, timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        let holds = { (message: String) in message.split(separator: "\n").contains(Substring(assignment)) }
        while Date() < deadline {
            if messages.contains(where: holds) { return true }
            if readsContinuously { Thread.sleep(forTimeInterval: 0.02) } else { receiveOne() }
        }
        return messages.contains(where: holds)
    }
}
