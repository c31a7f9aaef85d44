import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// One accepted connection from the agent, carried to the hub with the fault drawn for it.
final class Connection: @unchecked Sendable {
    let id: UInt64
    let settings: FaultSettings
    private let client: Int32
    private let target: (host: String, port: Int)
    private let fault: ConnectionFault
    private var random: SeededRandom

    private let lock = NSLock()
    // Guarded by `lock`.
    private var closed = false
    private var hub: Int32 = -1
    private var links: [Link] = []

    init(id: UInt64, client: Int32, target: (host: String, port: Int), settings: FaultSettings, fault: ConnectionFault,
         random: SeededRandom) {
        self.id = id
        self.client = client
        self.target = target
        self.settings = settings
        self.fault = fault
        self.random = random
    }

    var isClosed: Bool { lock.withLock { closed } }

    /// Ends the connection both ways; the threads notice and return. The descriptors are
    /// closed by `run` once they have, so none is reused under a thread still reading it.
    func close() {
        let (hub, links) = lock.withLock { () -> (Int32, [Link]) in
            guard !closed else { return (-1, []) }
            closed = true
            return (self.hub, self.links)
        }
        shutdown(client, Int32(SHUT_RDWR))
        if hub >= 0 { shutdown(hub, Int32(SHUT_RDWR)) }
        for link in links { link.wake() }
    }

    func log(_ message: String) {
        FileHandle.standardError.write(Data("fault-proxy: connection=\(id) \(message)\n".utf8))
    }

    func run() {
        defer {
            Glibc.close(client)
            let hub = lock.withLock { self.hub }
            if hub >= 0 { Glibc.close(hub) }
        }
        var initial: [UInt8] = []
        if case .inject(let reply, afterHub: false) = fault {
            guard readRequest(whole: true) != nil else { return }
            log("fault=inject reply=\(reply.rawValue) after_hub=false")
            _ = Socket.write(client, reply.bytes(retryAfter: settings.retryAfter, variant: random.next()))
            return
        }
        if let limit = settings.maxBodyBytes {
            guard let request = readRequest(whole: false) else { return }
            if let length = request.sniffer.contentLength, length > limit {
                _ = drain(request)
                log("fault=too_large body=\(length) limit=\(limit)")
                _ = Socket.write(client, InjectedReply.tooLarge.bytes(retryAfter: settings.retryAfter, variant: 0))
                return
            }
            initial = request.bytes
        }
        let hub: Int32
        do {
            hub = try Socket.connect(host: target.host, port: target.port)
        } catch {
            log("hub_unreachable=\"\(error)\"")
            return
        }
        carry(initial: initial, hub: hub)
    }

    /// Runs the two directions until the connection ends.
    private func carry(initial: [UInt8], hub: Int32) {
        var requestFault = Link.Fault.none, replyFault = Link.Fault.none
        switch fault {
        case .none: break
        case .cut(.request, let fraction): requestFault = .cut(fraction: fraction)
        case .cut(.reply, let fraction): replyFault = .cut(fraction: fraction)
        case .stall(.request, let fraction): requestFault = .stall(fraction: fraction)
        case .stall(.reply, let fraction): replyFault = .stall(fraction: fraction)
        case .dropReply: replyFault = .swallow(replacement: nil)
        case .inject(let reply, afterHub: true): replyFault = .swallow(replacement: reply)
        case .inject(_, afterHub: false): preconditionFailure("answered before reaching the hub")
        }
        let delay = settings.delay > .zero
            ? Duration.milliseconds(Int64.random(in: 0...settings.delay.milliseconds, using: &random)) : .zero
        // The agent connected to the proxy at once; on the shaped link its first bytes would
        // have waited for the TCP handshake, one round trip.
        let request = Link(.request, from: client, to: hub, connection: self, fault: requestFault,
                           shaping: settings.shaping, firstDelay: settings.shaping.oneWay * 2, random: SeededRandom(seed: random.next()))
        let reply = Link(.reply, from: hub, to: client, connection: self, fault: replyFault,
                         shaping: settings.shaping, firstDelay: delay, random: SeededRandom(seed: random.next()))
        lock.withLock {
            self.hub = hub
            links = [request, reply]
        }
        let group = DispatchGroup()
        let spawn = { (body: @escaping @Sendable () -> Void) in
            group.enter()
            Thread {
                body()
                group.leave()
            }.start()
        }
        spawn { request.writeLoop() }
        spawn { reply.readLoop(initial: []) }
        spawn { reply.writeLoop() }
        request.readLoop(initial: initial)
        group.wait()
    }

    /// Reads the request's head (and, if `whole`, its body); nil if the agent hung up first.
    private func readRequest(whole: Bool) -> (bytes: [UInt8], sniffer: MessageSniffer)? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while MessageSniffer.endOfHead(bytes) == nil {
            guard bytes.count < 64 << 10 else { return nil }
            let count = Socket.read(client, into: &buffer)
            if count == 0 { return nil }
            bytes += buffer[..<count]
        }
        var sniffer = MessageSniffer()
        sniffer.feed(bytes)
        let request = (bytes: bytes, sniffer: sniffer)
        if whole { return drain(request) ? request : nil }
        return request
    }

    /// Reads and discards the rest of the request's body, so answering and closing does not
    /// reset the connection under unread bytes; false if the agent hung up first.
    private func drain(_ request: (bytes: [UInt8], sniffer: MessageSniffer)) -> Bool {
        var remaining = (request.sniffer.length ?? request.bytes.count) - request.bytes.count
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while remaining > 0 {
            let count = Socket.read(client, into: &buffer)
            if count == 0 { return false }
            remaining -= count
        }
        return true
    }
}
