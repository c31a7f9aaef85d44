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
    ///
    /// Test hook: when the environment variable `SYNC_TEST_CLOCK_FILE` names a file, every read
    /// applies what it holds: `+N` or `-N` milliseconds from the real time, or `=N` for a clock
    /// that stands still at N. The clock suite (Tests/EndToEndTests/ClockSuiteTests.swift) gives
    /// the real binaries wrong clocks that way, jumping while they run; libfaketime, the usual
    /// tool, makes a Swift program lose its command-line arguments. Unset, nothing is read.
    public static let system: PhysicalClock = {
        let real = PhysicalClock { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
        guard let file = ProcessInfo.processInfo.environment["SYNC_TEST_CLOCK_FILE"] else { return real }
        return PhysicalClock { adjusted(real.now(), by: file) }
    }()

    /// The real time `now` as the clock file says to read it; an unreadable file changes nothing.
    static func adjusted(_ now: Int64, by file: String) -> Int64 {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
            let first = text.first, let value = Int64(text.dropFirst())
        else { return now }
        switch first {
        case "=": return value
        case "+": return now + value
        case "-": return now - value
        default: return now
        }
    }
}
