import Foundation

/// Protocol 2's sync messages, coded by hand: the same bytes as their `Codable` conformances
/// through `WireCoding`'s JSON coders, at a fraction of the cost.
///
/// With a thousand communes reconnecting at once, `JSONDecoder` and `JSONEncoder` took a sixth
/// of the hub's CPU (`Benchmarks/README.md`). These overloads are picked wherever the static
/// type is a sync message, so the hub, the agent and the tests all go through them. Protocol 1
/// keeps the `Codable` path, which stays the reference: `WireProtocolTests` checks that both
/// write the same bytes and read the same values.
extension WireCoding {
    public static func encode(_ request: SyncRequest) throws -> Data {
        guard request.protocolVersion == 2 else { return try encoder().encode(request) }
        var writer = JSONWriter(capacity: 128 + request.changes.count * 64)
        writer.raw("{")
        writer.key("changes", first: true)
        try writer.columns(request.changes)
        writer.key("clock")
        writer.int(request.clock)
        writer.key("commune")
        writer.string(request.commune)
        writer.key("cursor")
        writer.int(request.cursor)
        writer.key("node")
        writer.string(request.node)
        writer.key("protocol")
        writer.int(2)
        if let pullLimit = request.pullLimit {
            writer.key("pullLimit")
            writer.int(Int64(pullLimit))
        }
        writer.raw("}")
        return Data(writer.bytes)
    }

    public static func encode(_ response: SyncResponse) throws -> Data {
        guard response.protocolVersion == 2 else { return try encoder().encode(response) }
        var writer = JSONWriter(capacity: 256 + response.changes.count * 80)
        writer.raw("{")
        writer.key("acked", first: true)
        writer.int(response.acked)
        writer.key("changes")
        try writer.columns(response.changes)
        writer.key("clock")
        writer.int(response.clock)
        writer.key("commune")
        writer.string(response.commune)
        writer.key("cursor")
        writer.int(response.cursor)
        writer.key("more")
        writer.bool(response.more)
        writer.key("protocol")
        writer.int(2)
        writer.key("rejected")
        writer.array(response.rejected) { writer, rejection in
            writer.raw("{")
            writer.key("code", first: true)
            writer.string(rejection.code)
            writer.key("reason")
            writer.string(rejection.reason)
            writer.key("seq")
            writer.int(rejection.seq)
            writer.raw("}")
        }
        writer.key("restamped")
        writer.array(response.restamped) { writer, restamp in
            writer.raw("{")
            writer.key("n", first: true)
            writer.int(Int64(restamp.counter))
            writer.key("s")
            writer.int(restamp.seq)
            writer.key("w")
            writer.int(restamp.wall)
            writer.raw("}")
        }
        writer.raw("}")
        return Data(writer.bytes)
    }

    /// Decodes a request, turning any failure into a 400-class `SyncError`.
    public static func decode(_ type: SyncRequest.Type, from data: Data) throws -> SyncRequest {
        let decoded = try scanning(data, as: type) { scanner -> SyncRequest? in
            var protocolVersion: Int64?, node: String?, commune: String?, clock: Int64?, cursor: Int64?
            var pullLimit: Int64?
            var changes: Range<Int>?
            try scanner.object { scanner, key in
                switch key {
                case "protocol": protocolVersion = try scanner.int64()
                case "node": node = try scanner.string()
                case "commune": commune = try scanner.string()
                case "clock": clock = try scanner.int64()
                case "cursor": cursor = try scanner.int64()
                case "pullLimit": pullLimit = try scanner.nullIfPresent() ? nil : try scanner.int64()
                case "changes": changes = try scanner.skipped()
                default: try scanner.skipValue()
                }
            }
            try scanner.end()
            // Protocol 1 carries one object per change: its `Codable` reading is the reference.
            guard try required(protocolVersion, "protocol") != 1 else { return nil }
            var request = SyncRequest(node: try required(node, "node"), commune: try required(commune, "commune"),
                                      clock: try required(clock, "clock"), cursor: try required(cursor, "cursor"),
                                      pullLimit: try pullLimit.map(int), changes: [])
            request.protocolVersion = try int(protocolVersion!)
            // Another version's changes are left unread: the hub answers `protocol_version`.
            if request.protocolVersion == 2 {
                var columns = scanner.rescanning(try required(changes, "changes"))
                request.changes = try columns.columns().map(PushedChange.init)
                try columns.end()
            }
            return request
        }
        return try decoded ?? decodeWithCodable(type, from: data)
    }

    /// Decodes a response; any failure is a `SyncError` (the agent reports it as the hub's).
    public static func decode(_ type: SyncResponse.Type, from data: Data) throws -> SyncResponse {
        let decoded = try scanning(data, as: type) { scanner -> SyncResponse? in
            var protocolVersion: Int64?, commune: String?, clock: Int64?, acked: Int64?, cursor: Int64?, more: Bool?
            var rejected: [Rejection]?, restamped: [Restamp]?
            var changes: Range<Int>?
            try scanner.object { scanner, key in
                switch key {
                case "protocol": protocolVersion = try scanner.int64()
                case "commune": commune = try scanner.string()
                case "clock": clock = try scanner.int64()
                case "acked": acked = try scanner.int64()
                case "cursor": cursor = try scanner.int64()
                case "more": more = try scanner.bool()
                case "rejected": rejected = try scanner.rejections()
                case "restamped": restamped = try scanner.restamps()
                case "changes": changes = try scanner.skipped()
                default: try scanner.skipValue()
                }
            }
            try scanner.end()
            guard try required(protocolVersion, "protocol") != 1 else { return nil }
            var columns = scanner.rescanning(try required(changes, "changes"))
            let pulled = try columns.columns().map { row in
                guard let node = row.node else { throw columns.failure("pulled changes name their node") }
                return PulledChange(hubSeq: row.seq, change: FieldChange(
                    collection: row.collection, record: row.record, field: row.field, value: row.value,
                    stamp: Stamp(hlc: row.hlc, node: node), actor: row.actor))
            }
            try columns.end()
            return SyncResponse(protocolVersion: try int(protocolVersion!), commune: try required(commune, "commune"),
                                clock: try required(clock, "clock"), acked: try required(acked, "acked"),
                                rejected: try required(rejected, "rejected"), restamped: try required(restamped, "restamped"),
                                changes: pulled, cursor: try required(cursor, "cursor"), more: try required(more, "more"))
        }
        return try decoded ?? decodeWithCodable(type, from: data)
    }

    /// Runs `read` over the bytes; nil from it means "decode with `Codable` instead".
    private static func scanning<T>(_ data: Data, as type: T.Type, _ read: (inout JSONScanner) throws -> T?) throws -> T? {
        do {
            return try data.withUnsafeBytes { bytes in
                var scanner = JSONScanner(bytes)
                return try read(&scanner)
            }
        } catch let failure as JSONScanner.Failure {
            throw SyncError(.invalidInput, "malformed \(T.self): \(failure.message)")
        }
    }
}

private func required<T>(_ value: T?, _ key: String) throws -> T {
    guard let value else { throw JSONScanner.Failure(message: "missing key \(key)") }
    return value
}

private func int(_ value: Int64) throws -> Int {
    guard let value = Int(exactly: value) else { throw JSONScanner.Failure(message: "\(value) is out of range") }
    return value
}

// MARK: - Change columns

/// A change as a column holds it, whichever way it travels (see `ChangeColumns`).
protocol ColumnarChange {
    /// The node's sequence number when pushed, the hub's when pulled.
    var columnSeq: Int64 { get }
    var collection: String { get }
    var record: String { get }
    var field: String { get }
    var value: FieldValue { get }
    var wall: Int64 { get }
    var counter: UInt32 { get }
    /// Only pulled changes name their node: a pushing node is the sender.
    var columnNode: String? { get }
    var actor: String { get }
}

extension PushedChange: ColumnarChange {
    var columnSeq: Int64 { seq }
    var columnNode: String? { nil }
}

extension PulledChange: ColumnarChange {
    var columnSeq: Int64 { hubSeq }
    var columnNode: String? { node }
}

extension JSONWriter {
    /// `ChangeColumns`' encoding, keys sorted, without building the columns first.
    mutating func columns(_ changes: [some ColumnarChange]) throws {
        raw("{")
        key("a", first: true)
        array(changes) { $0.string($1.actor) }
        key("c")
        array(changes) { $0.string($1.collection) }
        key("f")
        array(changes) { $0.string($1.field) }
        if changes.contains(where: { $0.counter != 0 }) {
            key("n")
            array(changes) { $0.int(Int64($1.counter)) }
        }
        if !changes.isEmpty, changes.allSatisfy({ $0.columnNode != nil }) {
            key("o")
            array(changes) { $0.string($1.columnNode!) }
        }
        key("r")
        array(changes) { $0.string($1.record) }
        key("s")
        var previous: Int64 = 0
        array(changes) { writer, change in
            writer.int(change.columnSeq &- previous)
            previous = change.columnSeq
        }
        key("v")
        try array(changes) { try $0.value($1.value) }
        key("w")
        previous = 0
        array(changes) { writer, change in
            writer.int(change.wall &- previous)
            previous = change.wall
        }
        raw("}")
    }
}

extension JSONScanner {
    /// Skips a value, returning where it lay, to read it once the keys that say how are known.
    mutating func skipped() throws -> Range<Int> {
        _ = try peek()
        let start = offset
        try skipValue()
        return start..<offset
    }

    /// A scanner over a value `skipped()` returned.
    func rescanning(_ range: Range<Int>) -> JSONScanner {
        JSONScanner(slice: range, of: self)
    }

    /// `ChangeColumns`' decoding, in one pass over the columns.
    mutating func columns() throws -> [ChangeColumns.Row] {
        var s: [Int64]?, w: [Int64]?, n: [UInt32]?
        var c: [String]?, r: [String]?, f: [String]?, o: [String]?, a: [String]?
        var v: [FieldValue]?
        try object { scanner, key in
            switch key {
            case "s": s = try scanner.integers()
            case "w": w = try scanner.integers()
            case "n": n = try scanner.nullIfPresent() ? nil : try scanner.integers().map { counter in
                guard let counter = UInt32(exactly: counter) else { throw scanner.failure("a counter is out of range") }
                return counter
            }
            case "c": c = try scanner.strings()
            case "r": r = try scanner.strings()
            case "f": f = try scanner.strings()
            case "o": o = try scanner.nullIfPresent() ? nil : try scanner.strings()
            case "a": a = try scanner.strings()
            case "v": v = try scanner.values()
            default: try scanner.skipValue()
            }
        }
        let columns = ChangeColumns(s: try required(s, "s"), c: try required(c, "c"), r: try required(r, "r"),
                                    f: try required(f, "f"), v: try required(v, "v"), w: try required(w, "w"),
                                    n: n, o: o, a: try required(a, "a"))
        do {
            return try columns.rows(codingPath: [])
        } catch {
            throw failure("change columns differ in length")
        }
    }

    private mutating func integers() throws -> [Int64] {
        var values: [Int64] = []
        try array { values.append(try $0.int64()) }
        return values
    }

    private mutating func strings() throws -> [String] {
        var values: [String] = []
        try array { values.append(try $0.string()) }
        return values
    }

    /// Field values as `FieldValue`'s `Codable` reads them: null, an integer, another number
    /// (integral ones become integers), or text.
    private mutating func values() throws -> [FieldValue] {
        var values: [FieldValue] = []
        try array { scanner in
            switch try scanner.peek() {
            case UInt8(ascii: "n"):
                try scanner.null()
                values.append(.null)
            case UInt8(ascii: "\""):
                values.append(.text(try scanner.string()))
            default:
                switch try scanner.number().value {
                case .integer(let integer): values.append(.int(integer))
                case .double(let double): values.append(.number(double))
                }
            }
        }
        return values
    }

    mutating func rejections() throws -> [Rejection] {
        var rejections: [Rejection] = []
        try array { scanner in
            var seq: Int64?, code: String?, reason: String?
            try scanner.object { scanner, key in
                switch key {
                case "seq": seq = try scanner.int64()
                case "code": code = try scanner.string()
                case "reason": reason = try scanner.string()
                default: try scanner.skipValue()
                }
            }
            rejections.append(Rejection(seq: try required(seq, "seq"), code: try required(code, "code"),
                                        reason: try required(reason, "reason")))
        }
        return rejections
    }

    mutating func restamps() throws -> [Restamp] {
        var restamps: [Restamp] = []
        try array { scanner in
            var seq: Int64?, wall: Int64?, counter: Int64?
            try scanner.object { scanner, key in
                switch key {
                case "s": seq = try scanner.int64()
                case "w": wall = try scanner.int64()
                case "n": counter = try scanner.int64()
                default: try scanner.skipValue()
                }
            }
            guard let counter = UInt32(exactly: try required(counter, "n")) else { throw scanner.failure("a counter is out of range") }
            restamps.append(Restamp(seq: try required(seq, "s"), hlc: HLC(wall: try required(wall, "w"), counter: counter)))
        }
        return restamps
    }
}
