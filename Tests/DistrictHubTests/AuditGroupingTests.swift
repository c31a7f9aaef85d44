import Testing

@testable import SyncCore
@testable import district_hub

/// The audit's rows are reports: the fields one machine wrote to one record under one stamp.
/// The export reads the audit in batches, so a report may straddle two batches or more.
@Suite("Audit reports")
struct AuditGroupingTests {
    /// The entries of reports of `sizes` fields, newest first as the audit reads them.
    static func entries(_ sizes: [Int]) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for (report, size) in sizes.enumerated() {
            for field in 0..<size {
                let id = Int64(entries.count + 1)
                entries.append(AuditEntry(
                    id: id, receivedAtMillis: 1_780_000_000_000 + Int64(report / 3), commune: "xa-\(report % 2)", collection: "progress",
                    record: "xa-\(report % 2)/4.\(report % 5)", field: "f\(field)", value: .int(Int64(field)), oldValue: nil,
                    node: "n-\(report % 2)", seq: id, actor: "Cán bộ", stamp: HLC(wall: 1_780_000_000_000 + Int64(report)), appliedStamp: nil,
                    outcome: .applied, reasonCode: nil, reason: nil))
            }
        }
        return entries.reversed()
    }

    @Test("batches cut anywhere, one report longer than a batch among them, group as the whole does")
    func acrossBatches() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let sizes = (0..<Int.random(in: 1...12, using: &random)).map { _ in Int.random(in: 1...4, using: &random) } + [45]
            let entries = Self.entries(sizes.shuffled(using: &random))
            var grouper = AuditPages.Grouper(), reports: [AuditPages.Report] = [], start = 0
            while start < entries.count {
                let end = min(entries.count, start + Int.random(in: 1...20, using: &random))
                reports += grouper.add(Array(entries[start..<end]))
                start = end
            }
            reports += grouper.finish()
            // Each report's ids are a run of consecutive ids in the order written, and the runs
            // cover every entry once, newest report first.
            let runs = reports.map { $0.entries.map(\.id) }
            #expect(runs.allSatisfy { $0 == Array($0[0]...$0[$0.count - 1]) })
            #expect(Array(runs.reversed().joined()) == (1...Int64(entries.count)).map { $0 })
            #expect(runs.map(\.count).reversed() == Self.sizes(of: entries))
            #expect(reports.allSatisfy { $0.first.id == $0.entries.first?.id })
            #expect(runs == AuditPages.reports(entries).map { $0.entries.map(\.id) })
        }
    }

    @Test("a report's entries read in any order come out in the order written")
    func anyOrder() {
        let entries = Self.entries([5])
        let report = AuditPages.Report(ArraySlice(entries.shuffled()))
        #expect(report.entries.map(\.id) == [1, 2, 3, 4, 5])
        #expect(report.first.id == 1)
        #expect(report.collection == .progress)
    }

    /// The sizes of the reports the entries hold, oldest first, told apart by their stamps.
    static func sizes(of entries: [AuditEntry]) -> [Int] {
        var sizes: [Int] = []
        var last: HLC?
        for entry in entries.reversed() {
            if entry.stamp == last { sizes[sizes.count - 1] += 1 } else { sizes.append(1) }
            last = entry.stamp
        }
        return sizes
    }
}
