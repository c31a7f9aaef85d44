import Foundation

/// The source of wall-clock time, injected so tests (and the skew suites) control time.
public struct PhysicalClock: Sendable {
    private let read: @Sendable () -> Int64

    public init(_ read: @escaping @Sendable () -> Int64) {
        self.read = read
    }

    /// Milliseconds since the Unix epoch.
    public func now() -> Int64 { read() }

    /// The machine's clock, however wrong it may be.
    public static let system = PhysicalClock {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}

/// A clock a test sets by hand; thread-safe so a test can move it while a server runs.
public final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var millis: Int64

    public init(millis: Int64) {
        self.millis = millis
    }

    public func set(_ value: Int64) {
        lock.withLock { millis = value }
    }

    public func advance(by delta: Int64) {
        lock.withLock { millis += delta }
    }

    public var physical: PhysicalClock {
        PhysicalClock { [self] in lock.withLock { millis } }
    }
}
