import Foundation

/// `transform` over `0..<count` cut in ranges, each in a task of its own, the results in order:
/// an export formats (and, for a workbook, deflates) a batch of thousands of rows on every core
/// the hub has while the next batch is read. Four ranges a core, so that a core the reader or
/// the network holds up for a while leaves the others work to take.
public func concurrentRanges<T: Sendable>(of count: Int, minimum: Int = 250,
                                          _ transform: @escaping @Sendable (Range<Int>) throws -> T) async throws -> [T] {
    let parts = min(4 * ProcessInfo.processInfo.activeProcessorCount, max(1, count / minimum))
    guard parts > 1 else { return [try transform(0..<count)] }
    let size = (count + parts - 1) / parts
    return try await withThrowingTaskGroup(of: (Int, T).self) { group in
        for start in stride(from: 0, to: count, by: size) {
            group.addTask { (start, try transform(start..<min(start + size, count))) }
        }
        var results: [(Int, T)] = []
        for try await result in group { results.append(result) }
        return results.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
