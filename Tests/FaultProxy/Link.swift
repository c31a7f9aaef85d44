import Foundation
import TestSupport

/// One direction of a proxied connection. A reader thread takes bytes off one socket and
/// queues them, each ~1460-byte segment stamped with when the shaped link would deliver it;
/// a writer thread delivers them on time to the other socket and applies this direction's
/// fault. Decoupling the two keeps the throughput while every segment is delayed.
final class Link: @unchecked Sendable {
    enum Fault: Sendable {
        case none
        case cut(fraction: Double)
        case stall(fraction: Double)
        /// Read the whole message and deliver none of it; send `replacement` instead, if any.
        case swallow(replacement: InjectedReply?)
    }

    let direction: Direction
    private let source: Int32
    private let destination: Int32
    private unowned let connection: Connection
    private let fault: Fault
    private let shaping: Shaping
    /// The most bytes queued before the reader stops reading, so the sender feels the slow
    /// link (TCP back-pressure) instead of an endless buffer: 64 KiB or the bandwidth-delay
    /// product, whichever is larger. Without a rate, large enough (4 MiB) that the delay
    /// alone does not cap the throughput.
    private let window: Int

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [(release: ContinuousClock.Instant, bytes: [UInt8])] = []
    private var queuedBytes = 0
    private var ended = false
    private var sniffer = MessageSniffer()

    // The reader's shaping state.
    private var random: SeededRandom
    private var firstDelay: Duration
    private var linkFree = ContinuousClock.now
    private var lastRelease = ContinuousClock.now

    // The writer's progress through the message.
    private var delivered = 0

    init(_ direction: Direction, from source: Int32, to destination: Int32, connection: Connection, fault: Fault,
         shaping: Shaping, firstDelay: Duration, random: SeededRandom) {
        self.direction = direction
        self.source = source
        self.destination = destination
        self.connection = connection
        self.fault = fault
        self.shaping = shaping
        self.firstDelay = firstDelay
        self.random = random
        let bandwidthDelay = Int(shaping.rateKbit * 1000 / 8 * (shaping.oneWay * 2).inSeconds)
        window = shaping.rateKbit > 0 ? max(64 << 10, bandwidthDelay) : 4 << 20
    }

    /// Wakes both threads: the connection is closing.
    func wake() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    // MARK: Reader

    /// Reads until the sender is done, after queueing `initial` (bytes already read).
    func readLoop(initial: [UInt8]) {
        if !initial.isEmpty { enqueue(initial[...]) }
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while !connection.isClosed {
            let count = Socket.read(source, into: &buffer)
            if count == 0 { break }
            enqueue(buffer[..<count])
        }
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
        // The agent hung up, having its answer or giving up on it: nothing more to carry.
        if direction == .request { connection.close() }
    }

    private func enqueue(_ bytes: ArraySlice<UInt8>) {
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = min(start + Shaping.segmentBytes, bytes.endIndex)
            let segment = Array(bytes[start..<end])
            let release = releaseTime(of: segment.count)
            condition.lock()
            sniffer.feed(segment)
            queue.append((release, segment))
            queuedBytes += segment.count
            condition.broadcast()
            while queuedBytes > window && !connection.isClosed { condition.wait() }
            condition.unlock()
            start = end
        }
    }

    /// When the shaped link delivers a segment read now: after the segments before it have
    /// been serialized at the link's rate, half an RTT later, one retransmission timeout later
    /// if it is "lost", and never before an earlier segment.
    private func releaseTime(of count: Int) -> ContinuousClock.Instant {
        let now = ContinuousClock.now
        var release = now
        if shaping.rateKbit > 0 {
            linkFree = max(linkFree, now) + .seconds(Double(count * 8) / (shaping.rateKbit * 1000))
            release = linkFree
        }
        release += shaping.oneWay + firstDelay
        firstDelay = .zero
        if random.chance(shaping.lossPercent / 100) { release += shaping.retransmissionTimeout }
        release = max(release, lastRelease)
        lastRelease = release
        return release
    }

    // MARK: Writer

    /// Delivers segments as they fall due until the connection closes or the sender is done.
    func writeLoop() {
        while let segment = nextSegment() {
            guard deliver(segment) else { return }
        }
        guard !connection.isClosed else { return }
        if case .swallow(let replacement) = fault {
            // The hub closed before its reply was complete: what it sent is all there is.
            replace(with: replacement)
        } else {
            // Everything the sender sent has been delivered.
            connection.close()
        }
    }

    /// The next segment once it is due; nil when the connection closed or the stream ended.
    private func nextSegment() -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        while !connection.isClosed {
            guard let first = queue.first else {
                if ended { return nil }
                condition.wait()
                continue
            }
            let now = ContinuousClock.now
            if first.release <= now {
                queue.removeFirst()
                queuedBytes -= first.bytes.count
                condition.broadcast()
                return first.bytes
            }
            _ = condition.wait(until: Date(timeIntervalSinceNow: (first.release - now).inSeconds))
        }
        return nil
    }

    /// Sends a segment, or the part of it this direction's fault lets through; false once the
    /// connection is over.
    private func deliver(_ segment: [UInt8]) -> Bool {
        switch fault {
        case .none:
            guard send(segment[...]) else { return false }
            delivered += segment.count
            if direction == .reply, connection.settings.oneExchangePerConnection,
               let length = condition.withLock({ sniffer.length }), delivered >= length {
                connection.close()
                return false
            }
            return true
        case .cut(let fraction):
            let offset = self.offset(fraction)
            guard delivered + segment.count > offset else {
                delivered += segment.count
                return send(segment[...])
            }
            _ = send(segment.prefix(max(0, offset - delivered)))
            connection.log("fault=cut direction=\(direction) offset=\(offset) length=\(lengthText)")
            connection.close()
            return false
        case .stall(let fraction):
            let offset = self.offset(fraction)
            let normal = max(0, min(segment.count, offset - delivered))
            guard send(segment.prefix(normal)) else { return false }
            if delivered <= offset && delivered + segment.count > offset {
                connection.log("fault=stall direction=\(direction) offset=\(offset) length=\(lengthText)")
            }
            delivered += segment.count
            // 10 bytes per second from here on, until the agent gives up.
            for byte in segment.dropFirst(normal) {
                guard pause(.milliseconds(100)), send([byte][...]) else { return false }
            }
            return true
        case .swallow(let replacement):
            delivered += segment.count
            if let length = condition.withLock({ sniffer.length }), delivered >= length {
                replace(with: replacement)
                return false
            }
            return true
        }
    }

    /// The hub's reply has been read whole (so the hub has committed): drop it, or answer
    /// something else in its place.
    private func replace(with replacement: InjectedReply?) {
        if let replacement {
            connection.log("fault=inject reply=\(replacement.rawValue) after_hub=true")
            _ = send(replacement.bytes(retryAfter: connection.settings.retryAfter, variant: connection.id)[...])
        } else {
            connection.log("fault=drop_reply length=\(delivered)")
        }
        connection.close()
    }

    private func send(_ bytes: ArraySlice<UInt8>) -> Bool {
        if bytes.isEmpty { return true }
        if Socket.write(destination, bytes) { return true }
        connection.close()
        return false
    }

    /// Waits `duration` unless the connection closes first; false if it did.
    private func pause(_ duration: Duration) -> Bool {
        let deadline = Date(timeIntervalSinceNow: duration.inSeconds)
        condition.lock()
        defer { condition.unlock() }
        while !connection.isClosed {
            if !condition.wait(until: deadline) { return true }
        }
        return false
    }

    /// `fraction` of the message, once its head told its length (else of 2 KiB).
    private func offset(_ fraction: Double) -> Int {
        Int(fraction * Double(condition.withLock { sniffer.length } ?? 2048))
    }

    private var lengthText: String {
        condition.withLock { sniffer.length }.map(String.init) ?? "unknown"
    }
}
