/// Protocol 2 carries a batch's changes column by column instead of one object per change.
///
/// Consecutive changes of one batch share most of what they carry: the collection, often the
/// record and the actor, and stamps and sequence numbers that differ by little. Stored as
/// columns, with sequence numbers and wall clocks as differences from the previous change,
/// they gzip to about the size of a minimal CSV of the same changes, where one JSON object per
/// change cost twice that (`sync-bench wire`, `Benchmarks/README.md`). A 3G line spends its
/// time on these bytes.
///
/// Arithmetic on the differences wraps instead of trapping: a hostile batch may carry any
/// numbers, and the hub's checks (increasing positive sequence numbers, the clock's drift
/// bound) refuse what makes no sense.
struct PushedColumns: Codable {
    /// Sequence numbers, each as the difference from the one before (the first from 0).
    var s: [Int64]
    var c: [String]
    var r: [String]
    var f: [String]
    var v: [FieldValue]
    /// Wall clocks, each as the difference from the one before (the first from 0).
    var w: [Int64]
    /// HLC counters; left out when all are zero, as they nearly always are.
    var n: [UInt32]?
    var a: [String]

    init(_ changes: [PushedChange]) {
        s = differences(changes.map(\.seq))
        c = changes.map(\.collection)
        r = changes.map(\.record)
        f = changes.map(\.field)
        v = changes.map(\.value)
        w = differences(changes.map(\.wall))
        n = changes.contains { $0.counter != 0 } ? changes.map(\.counter) : nil
        a = changes.map(\.actor)
    }

    func changes(codingPath: [any CodingKey]) throws -> [PushedChange] {
        let count = s.count
        guard [c.count, r.count, f.count, v.count, w.count, n?.count ?? count, a.count].allSatisfy({ $0 == count }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "change columns differ in length"))
        }
        let seqs = sums(s)
        let walls = sums(w)
        return (0..<count).map { index in
            PushedChange(seq: seqs[index], collection: c[index], record: r[index], field: f[index], value: v[index],
                         hlc: HLC(wall: walls[index], counter: n?[index] ?? 0), actor: a[index])
        }
    }
}

/// The hub's pull page in protocol 2, by the same rules as `PushedColumns`, plus the node
/// that made each change.
struct PulledColumns: Codable {
    var s: [Int64]
    var c: [String]
    var r: [String]
    var f: [String]
    var v: [FieldValue]
    var w: [Int64]
    var n: [UInt32]?
    var o: [String]
    var a: [String]

    init(_ changes: [PulledChange]) {
        s = differences(changes.map(\.hubSeq))
        c = changes.map(\.collection)
        r = changes.map(\.record)
        f = changes.map(\.field)
        v = changes.map(\.value)
        w = differences(changes.map(\.wall))
        n = changes.contains { $0.counter != 0 } ? changes.map(\.counter) : nil
        o = changes.map(\.node)
        a = changes.map(\.actor)
    }

    func changes(codingPath: [any CodingKey]) throws -> [PulledChange] {
        let count = s.count
        guard [c.count, r.count, f.count, v.count, w.count, n?.count ?? count, o.count, a.count].allSatisfy({ $0 == count }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "change columns differ in length"))
        }
        let seqs = sums(s)
        let walls = sums(w)
        return (0..<count).map { index in
            PulledChange(hubSeq: seqs[index], change: FieldChange(
                collection: c[index], record: r[index], field: f[index], value: v[index],
                stamp: Stamp(hlc: HLC(wall: walls[index], counter: n?[index] ?? 0), node: o[index]), actor: a[index]))
        }
    }
}

private func differences(_ values: [Int64]) -> [Int64] {
    var previous: Int64 = 0
    return values.map { value in
        defer { previous = value }
        return value &- previous
    }
}

private func sums(_ differences: [Int64]) -> [Int64] {
    var total: Int64 = 0
    return differences.map { difference in
        total = total &+ difference
        return total
    }
}
