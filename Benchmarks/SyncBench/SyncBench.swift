import Foundation
import SyncCore

/// Benchmarks of SyncCore in-process (no HTTP): the hub's merge, the agent's local write, and
/// the bytes a realistic mix of changes costs on the wire. Each prints one JSON object.
/// `Benchmarks/run` drives it; the numbers are never asserted by tests.
@main
enum SyncBench {
    static func main() async throws {
        disableSQLiteMemoryStatistics()  // as the programs do
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "empty-hub", let path = arguments.dropFirst().first {
            _ = try HubStore(path: path)
            return
        }
        guard let command = arguments.first, let count = arguments.dropFirst().first.flatMap(Int.init) else {
            FileHandle.standardError.write(Data("usage: sync-bench merge|agent-write|wire|enroll|push|scale-store COUNT [--option value…] | empty-hub PATH\n".utf8))
            exit(64)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sync-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        switch command {
        case "merge": try await merge(count, in: directory)
        case "agent-write": try await agentWrite(count, in: directory)
        case "wire": try wire(count)
        case "enroll": try await Enroll.run(count, Options(arguments.dropFirst(2)))
        case "push": try Push.run(count, Options(arguments.dropFirst(2)))
        case "scale-store": try await ScaleStore.run(count, Options(arguments.dropFirst(2)))
        default:
            FileHandle.standardError.write(Data("unknown benchmark \(command)\n".utf8))
            exit(64)
        }
    }

    static func report(_ values: [String: Double]) {
        let data = try! JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// A realistic change: progress notes and percentages of one commune's five tasks.
    static func change(_ index: Int, commune: String) -> PushedChange {
        let task = "4.\(index % 5 + 1)"
        let field = index % 2 == 0 ? "note" : "percent"
        let value: FieldValue = field == "note" ? .text("Đã thực hiện bước \(index)") : .int(Int64(index % 101))
        return PushedChange(seq: Int64(index + 1), collection: "progress", record: "\(commune)/\(task)", field: field,
                            value: value, hlc: HLC(wall: 1_700_000_000_000 + Int64(index)), actor: "Nguyễn Văn An")
    }

    /// The hub merging batches of 1,000 changes from one node, in-process: changes per second.
    static func merge(_ count: Int, in directory: URL) async throws {
        let hub = try HubStore(path: directory.appendingPathComponent("hub.sqlite").path,
                            clock: HybridLogicalClock(physical: PhysicalClock { 1_800_000_000_000 }))
        try await hub.recordDistrict((1...5).map { FieldWrite(collection: "tasks", record: "4.\($0)", field: "communes", value: .text("*")) },
                                     actor: "bench")
        let enrollment = try await hub.enroll(commune: "c-00", name: nil, label: nil)
        let identity = try await hub.authenticate(token: enrollment.token)
        let batches = stride(from: 0, to: count, by: 1_000).map { start in
            SyncRequest(node: enrollment.node, commune: "c-00", clock: 0, cursor: 0, pullLimit: 1,
                        changes: (start..<min(start + 1_000, count)).map { change($0, commune: "c-00") })
        }
        let started = ContinuousClock.now
        var cursor: Int64 = 0
        for var batch in batches {
            // As the agent does: each exchange pulls from where the last one stopped.
            batch.cursor = cursor
            cursor = try await hub.exchange(batch, from: identity).response.cursor
        }
        let seconds = (ContinuousClock.now - started).seconds
        report(["merge_changes_per_s": Double(count) / seconds])
    }

    /// One officer write (record + outbox + clock, one transaction, synchronous=FULL), timed.
    static func agentWrite(_ count: Int, in directory: URL) async throws {
        let store = try AgentStore(path: directory.appendingPathComponent("agent.sqlite").path)
        try await store.configureAgent(AgentIdentity(node: "n-bench", commune: "c-00", hubURL: "http://127.0.0.1:9", tokenFile: "/dev/null"))
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        let started = ContinuousClock.now
        for index in 0..<count {
            let pushed = change(index, commune: "c-00")
            let write = FieldWrite(collection: pushed.collection, record: pushed.record, field: pushed.field, value: pushed.value)
            let before = ContinuousClock.now
            try await store.record([write], actor: "Nguyễn Văn An", node: "n-bench")
            latencies.append((ContinuousClock.now - before).seconds * 1000)
        }
        let total = (ContinuousClock.now - started).seconds
        latencies.sort()
        report([
            "agent_write_p50_ms": latencies[latencies.count / 2],
            "agent_write_p99_ms": latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
            "agent_burst_writes_per_s": Double(count) / total,
        ])
    }

    /// Bytes per change on the wire for progress and equipment edits by 20 communes, against the
    /// gzip'd minimal CSV of the same changes and one JSON document per change (`_bulk_docs`);
    /// and what protocol 1 (one object per change) cost.
    static func wire(_ count: Int) throws {
        let changes = (0..<count).map { index -> PushedChange in
            let commune = String(format: "c-%02d", index % 20)
            if index % 3 == 2 {
                let fields = ["total", "working", "needed", "cost"]
                return PushedChange(seq: Int64(index + 1), collection: "equipment", record: "\(commune)/computer",
                                    field: fields[index % 4], value: .int(Int64(index % 7)),
                                    hlc: HLC(wall: 1_700_000_000_000 + Int64(index) * 1_000), actor: "Nguyễn Văn An")
            }
            return change(index, commune: commune)
        }
        var wire = 0
        var wireVersion1 = 0
        for start in stride(from: 0, to: count, by: 500) {
            var request = SyncRequest(node: "n-0123456789abcdef", commune: "c-00", clock: 0, cursor: 0,
                                      changes: Array(changes[start..<min(start + 500, count)]))
            wire += try Gzip.compress(try WireCoding.encode(request)).count
            request.protocolVersion = 1
            wireVersion1 += try Gzip.compress(try WireCoding.encode(request)).count
        }
        let csv = changes.map { "\($0.record),\($0.field),\($0.value),\($0.wall),\($0.counter),\($0.actor)" }.joined(separator: "\n")
        let csvGzip = try Gzip.compress(Data(csv.utf8)).count
        var bulk = 0
        for pushed in changes {
            let document: [String: Any] = [
                "_id": "\(pushed.collection):\(pushed.record):\(pushed.field):\(pushed.seq)", "collection": pushed.collection,
                "record": pushed.record, "field": pushed.field, "value": pushed.value.description,
                "hlc": "\(pushed.wall).\(pushed.counter)", "node": "n-0123456789abcdef", "actor": pushed.actor,
            ]
            bulk += try JSONSerialization.data(withJSONObject: document).count
        }
        report([
            "wire_bytes_per_change": Double(wire) / Double(count),
            "wire_protocol1_bytes_per_change": Double(wireVersion1) / Double(count),
            "csv_gzip_bytes_per_change": Double(csvGzip) / Double(count),
            "bulk_docs_bytes_per_change": Double(bulk) / Double(count),
        ])
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
