#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Talks to systemd's notify socket (`sd_notify`) without linking libsystemd: READY=1,
/// STATUS=…, WATCHDOG=1 and STOPPING=1 as datagrams to `$NOTIFY_SOCKET`, which is a path or,
/// with a leading `@`, a Linux abstract socket. Without `$NOTIFY_SOCKET` (not under systemd,
/// or `Type=simple`) every call does nothing.
public struct SystemdNotifier: Sendable {
    /// Where notifications go; nil when not run by systemd with a notify socket.
    public let socketPath: String?
    /// How often systemd expects `WATCHDOG=1`, when the unit has `WatchdogSec=`.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        // WATCHDOG_PID, when set, names the process systemd watches; another must not ping.
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if forUs, let micros = environment["WATCHDOG_USEC"].flatMap(UInt64.init), micros > 0 {
            watchdogInterval = .microseconds(Int64(micros))
        } else {
            watchdogInterval = nil
        }
    }

    /// Half the watchdog interval: how often to ping so that one late ping is not fatal.
    public var watchdogPingInterval: Duration? {
        watchdogInterval.map { $0 / 2 }
    }

    public func ready(status: String? = nil) {
        send(["READY=1"] + (status.map { ["STATUS=\($0)"] } ?? []))
    }

    public func status(_ text: String) {
        send(["STATUS=\(text)"])
    }

    public func watchdog() {
        send(["WATCHDOG=1"])
    }

    public func stopping() {
        send(["STOPPING=1"])
    }

    /// Sends one notification datagram; failures are ignored, as with `sd_notify`. Never waits:
    /// when the receiver's queue is full (a manager that is not reading) the datagram is
    /// dropped, since a blocked send held both of Swift concurrency's threads here and the
    /// daemon could no longer even handle SIGTERM. systemd reads as they come.
    public func send(_ assignments: [String]) {
        guard let socketPath else { return }
        let message = assignments.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: pathBytes)
        }
        // Abstract names are not NUL-terminated: the length says where they end.
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        _ = message.withCString { text in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    sendto(fd, text, strlen(text), Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT), socketAddress, length)
                }
            }
        }
    }
}
