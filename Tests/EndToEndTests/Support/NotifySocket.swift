import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket standing in for systemd's notify socket: collects what a daemon sends.
final class NotifySocket {
    /// What to put in `NOTIFY_SOCKET`: a path, or `@name` for an abstract socket.
    let address: String
    private let fd: Int32
    private(set) var messages: [String] = []

    init(abstract: Bool, directory: URL) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        let name = abstract ? "@commune-sync-test-\(UUID().uuidString.prefix(12))" : directory.appendingPathComponent("notify.sock").path
        address = name
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
    }

    deinit {
        close(fd)
        if !address.hasPrefix("@") { unlink(address) }
    }

    /// Waits until a received datagram contains `assignment` (e.g. "READY=1"); false on timeout.
    func wait(for assignment: String, timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var scanned = 0
        while Date() < deadline {
            if messages[scanned...].contains(where: { $0.split(separator: "\n").contains(Substring(assignment)) }) { return true }
            scanned = messages.count
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 { messages.append(String(decoding: buffer[..<count], as: UTF8.self)) }
        }
        return messages.contains { $0.split(separator: "\n").contains(Substring(assignment)) }
    }
}
