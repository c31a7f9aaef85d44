import Foundation

/// Runs a blocking call (a libcurl transfer, a bcrypt check, an inotify wait) on a thread of
/// its own and awaits it. On the cooperative pool it would hold one of its few threads (two on
/// a 2-core machine) for as long as a slow rural link takes.
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
