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
struct ChangeColumns: Codable {
    /// Sequence numbers (the node's when pushed, the hub's when pulled), each as the
    /// difference from the one before (the first from 0).
    var s: [Int64]
    var c: [String]
    var r: [String]
    var f: [String]
    var v: [FieldValue]
    /// Wall clocks, each as the difference from the one before (the first from 0).
    var w: [Int64]
    /// HLC counters; left out when all are zero, as they nearly always are.
    var n: [UInt32]?
    /// The node that made each change: only in pulled pages (a pushing node is the sender).
    var o: [String]?
    var a: [String]

    /// One change as the columns hold it.
    struct Row {
        var seq: Int64
        var collection, record, field: String
        var value: FieldValue
        var hlc: HLC
        var node: String?
        var actor: String
    }

    func rows(codingPath: [any CodingKey]) throws -> [Row] {
        let count = s.count
        guard [c.count, r.count, f.count, v.count, w.count, n?.count ?? count, o?.count ?? count, a.count]
            .allSatisfy({ $0 == count })
        else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "change columns differ in length"))
        }
        let seqs = sums(s)
        let walls = sums(w)
        return (0..<count).map { index in
            Row(seq: seqs[index], collection: c[index], record: r[index], field: f[index], value: v[index],
                hlc: HLC(wall: walls[index], counter: n?[index] ?? 0), node: o?[index], actor: a[index])
        }
    }
}

extension ChangeColumns {
    init(_ rows: [Row]) {
        s = differences(rows.map(\.seq))
        c = rows.map(\.collection)
        r = rows.map(\.record)
        f = rows.map(\.field)
        v = rows.map(\.value)
        w = differences(rows.map(\.hlc.wall))
        n = rows.contains { $0.hlc.counter != 0 } ? rows.map(\.hlc.counter) : nil
        o = rows.allSatisfy { $0.node != nil } && !rows.isEmpty ? rows.map { $0.node! } : nil
        a = rows.map(\.actor)
    }
}

extension PushedChange {
    var row: ChangeColumns.Row {
        .init(seq: seq, collection: collection, record: record, field: field, value: value, hlc: hlc, node: nil, actor: actor)
    }

    init(_ row: ChangeColumns.Row) {
        self.init(seq: row.seq, collection: row.collection, record: row.record, field: row.field, value: row.value,
                  hlc: row.hlc, actor: row.actor)
    }
}

extension PulledChange {
    var row: ChangeColumns.Row {
        .init(seq: hubSeq, collection: collection, record: record, field: field, value: value,
              hlc: HLC(wall: wall, counter: counter), node: node, actor: actor)
    }

    init(_ row: ChangeColumns.Row, codingPath: [any CodingKey]) throws {
        guard let node = row.node else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "pulled changes name their node"))
        }
        self.init(hubSeq: row.seq, change: FieldChange(collection: row.collection, record: row.record, field: row.field,
                                                       value: row.value, stamp: Stamp(hlc: row.hlc, node: node), actor: row.actor))
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
