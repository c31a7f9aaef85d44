import Foundation
import SyncCore

/// `sync-bench push COUNT --hub URL --tokens FILE [--batch N] [--start-at MS]`: one OS process
/// of simulated nodes, a thread per token, each pushing COUNT changes to a real hub. Several of
/// these processes run at once (Benchmarks/run starts them), and all wait for `--start-at`
/// (epoch milliseconds) so that starting processes is not part of what is measured.
///
/// Prints one JSON object: the changes acknowledged, exchanges, 429s, other errors, nodes that
/// gave up, when the first node started and the last finished, every exchange's latency, and
/// the CPU time the process used (it shares the machine's cores with the hub).
enum Push {
    static func run(_ changes: Int, _ options: Options) throws {
        let text = try String(contentsOfFile: options.string("tokens"), encoding: .utf8)
        let tokens = try text.split(whereSeparator: \.isNewline).map { line in
            guard let token = NodeToken(String(line)) else { throw SyncError(.invalidInput, "not a node token: \(line)") }
            return token
        }
        let nodes = tokens.map { SimulatedNode(token: $0, hubURL: options.string("hub")) }
        let batch = options.int("batch", default: 500)
        let startAt = Int64(options.int("start-at", default: 0))
        let wait = Double(startAt - epochMillis()) / 1000
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }

        let started = epochMillis()
        let finished = DispatchGroup()
        for node in nodes {
            finished.enter()
            // Blocking libcurl calls: a thread per node, as each office PC is a process of its own.
            Thread {
                node.run(changes: changes, batch: batch)
                finished.leave()
            }.start()
        }
        finished.wait()
        let ended = epochMillis()

        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6

        let tallies = nodes.map(\.tally)
        let result: [String: Any] = [
            "acked": tallies.map(\.acked).reduce(0, +),
            "exchanges": tallies.map(\.exchanges).reduce(0, +),
            "slow_down": tallies.map(\.slowDown).reduce(0, +),
            "errors": tallies.map(\.errors).reduce(0, +),
            "gave_up": tallies.filter(\.gaveUp).count,
            "started_ms": Int(started),
            "ended_ms": Int(ended),
            "latencies_ms": tallies.flatMap(\.latenciesMs),
            "cpu_s": cpu,
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
