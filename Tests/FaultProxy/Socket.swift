import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What went wrong with a socket call, with errno's text.
struct SocketError: Error, CustomStringConvertible {
    var description: String

    init(_ call: String) {
        description = "\(call): \(String(cString: strerror(errno)))"
    }
}

/// Thin wrappers over the POSIX socket calls the proxy needs: blocking sockets, one thread per
/// direction, which is all a test proxy with a handful of connections at a time needs.
enum Socket {
    /// A listening socket on an IPv4 address; returns it and the port it got.
    static func listen(host: String, port: Int) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw SocketError("\(host) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { close(fd); throw SocketError("bind \(host):\(port)") }
        guard Glibc.listen(fd, 128) == 0 else { close(fd); throw SocketError("listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    static func accept(_ listener: Int32) throws -> Int32 {
        while true {
            let fd = Glibc.accept(listener, nil, nil)
            if fd >= 0 { noDelay(fd); return fd }
            if errno != EINTR && errno != ECONNABORTED { throw SocketError("accept") }
        }
    }

    /// A connection to `host:port`, trying each address the name resolves to.
    static func connect(host: String, port: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw SocketError("resolve \(host)")
        }
        defer { freeaddrinfo(first) }
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    noDelay(fd)
                    return fd
                }
                close(fd)
            }
            next = info.pointee.ai_next
        }
        throw SocketError("connect \(host):\(port)")
    }

    /// Small writes leave at once: a trickle of one byte every 100 ms must not be coalesced.
    private static func noDelay(_ fd: Int32) {
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Reads what is there (at most `buffer.count` bytes); 0 at the end of the stream or on error.
    static func read(_ fd: Int32, into buffer: inout [UInt8]) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count >= 0 { return count }
            if errno != EINTR { return 0 }
        }
    }

    /// Writes all of `bytes`; false when the peer is gone.
    static func write(_ fd: Int32, _ bytes: some Collection<UInt8>) -> Bool {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            let count = array.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }
}

/// `HOST:PORT` split, or nil when it is not one.
func hostAndPort(_ text: String) -> (host: String, port: Int)? {
    guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
        let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
    else { return nil }
    return (String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
}
