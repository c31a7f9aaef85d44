import ArgumentParser
import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy of the project's own between an agent and its hub, for the network fault suite
/// and the slow-link benchmark: it breaks connections the way rural links and middleboxes do,
/// and shapes the link like one. Never shipped: the packages carry only the two programs.
@main
struct FaultProxy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fault-proxy",
        abstract: "Forward TCP to a hub, injecting network faults and shaping the link.",
        discussion: """
            Listens on --listen (port 0: a free one) and prints the port it got as its first line \
            on stdout. Each accepted connection suffers at most one fault, drawn from --seed and \
            the connection's number (the probabilities are exclusive, their sum at most 1), and \
            every fault that strikes is logged on stderr as `fault-proxy: connection=N fault=…`.

            The faults that read HTTP (--inject, --max-body-bytes, and the offsets of cuts, stalls \
            and dropped replies) expect plain HTTP; with any fault on, a connection is closed once \
            its first reply is through, so each exchange draws its own fault even though the agent \
            keeps its connection. Shaping alone keeps connections and works on any TCP, HTTPS \
            included.
            """)

    @Option(help: ArgumentHelp("Where the hub listens.", valueName: "host:port"))
    var target: String

    @Option(help: ArgumentHelp("Where to listen (IPv4).", valueName: "host:port"))
    var listen = "127.0.0.1:0"

    @Option(help: "The seed of the faults (default: random, printed on stderr).")
    var seed: UInt64?

    @Option(help: "Probability that a connection is cut (both sides closed) at a random byte of the request or of the reply.")
    var cutProbability = 0.0

    @Option(help: "Probability that the request or the reply stalls from a random byte on: 10 bytes per second until the agent gives up.")
    var stallProbability = 0.0

    @Option(help: "Probability that the hub's whole reply is read (the hub has committed) and the connection closed without sending it.")
    var dropReplyProbability = 0.0

    @Option(help: ArgumentHelp(
        "Answers to give in the hub's place, comma-separated: 413, 429, 503 before the hub sees the request (429 and 503 with Retry-After); 500 and badjson (a 200 whose body is not the sync JSON) either before it or, at random, instead of the hub's reply after it committed.",
        valueName: "list"))
    var inject: String?

    @Option(help: "Probability that a connection gets one of the --inject answers.")
    var injectProbability = 0.5

    @Option(help: "The Retry-After seconds of the injected 429 and 503.")
    var retryAfter = 1

    @Option(help: "Each reply waits a random 0…N ms before its first byte.")
    var delayMs = 0

    @Option(help: "Answer 413 to requests whose body is larger, as a front proxy's body limit does.")
    var maxBodyBytes: Int?

    @Option(help: "Bandwidth in each direction, in kbit/s (0: unlimited).")
    var rateKbit = 0.0

    @Option(help: "Round-trip time in ms: every segment is delayed by half of it in each direction, throughput kept; a connection's first bytes wait one more RTT, for the TCP handshake.")
    var rttMs = 0.0

    @Option(help: "Percent of ~1460-byte segments that are 'lost': they, and what follows them, arrive max(200 ms, RTT) late.")
    var lossPercent = 0.0

    func validate() throws {
        guard hostAndPort(target) != nil else { throw ValidationError("--target must be HOST:PORT, not \(target)") }
        guard hostAndPort(listen) != nil else { throw ValidationError("--listen must be HOST:PORT, not \(listen)") }
        let probabilities = [cutProbability, stallProbability, dropReplyProbability, inject == nil ? 0 : injectProbability]
        guard probabilities.allSatisfy({ (0...1).contains($0) }), probabilities.reduce(0, +) <= 1 else {
            throw ValidationError("the probabilities must be between 0 and 1, and add up to at most 1")
        }
        _ = try injectedReplies()
        guard retryAfter >= 0, delayMs >= 0, (maxBodyBytes ?? 0) >= 0 else {
            throw ValidationError("--retry-after, --delay-ms and --max-body-bytes must not be negative")
        }
        guard rateKbit >= 0, rttMs >= 0, (0...100).contains(lossPercent) else {
            throw ValidationError("--rate-kbit and --rtt-ms must not be negative, --loss-percent must be between 0 and 100")
        }
    }

    private func injectedReplies() throws -> [InjectedReply] {
        guard let inject else { return [] }
        return try inject.split(separator: ",").map { name in
            guard let reply = InjectedReply(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--inject takes 413, 429, 500, 503 and badjson, not \(name)")
            }
            return reply
        }
    }

    func run() throws {
        // A child inherits its parent's blocked signals (a test runner blocks most of them):
        // unblock them, or SIGTERM would never stop the proxy.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        sigprocmask(SIG_SETMASK, &unblocked, nil)
        signal(SIGPIPE, SIG_IGN)
        var settings = FaultSettings()
        settings.cutProbability = cutProbability
        settings.stallProbability = stallProbability
        settings.dropReplyProbability = dropReplyProbability
        settings.inject = try injectedReplies()
        settings.injectProbability = settings.inject.isEmpty ? 0 : injectProbability
        settings.retryAfter = retryAfter
        settings.delay = .milliseconds(delayMs)
        settings.maxBodyBytes = maxBodyBytes
        settings.shaping.rateKbit = rateKbit
        settings.shaping.oneWay = .microseconds(Int64(rttMs * 500))
        settings.shaping.lossPercent = lossPercent
        settings.shaping.retransmissionTimeout = max(.milliseconds(200), .microseconds(Int64(rttMs * 1000)))

        let (host, port) = hostAndPort(listen)!
        let target = hostAndPort(self.target)!
        let listener = try Socket.listen(host: host, port: port)
        FileHandle.standardOutput.write(Data("\(listener.port)\n".utf8))
        let seed = self.seed ?? UInt64.random(in: 0...UInt64.max)
        FileHandle.standardError.write(Data("fault-proxy: listening on \(host):\(listener.port), forwarding to \(self.target), seed=\(seed)\n".utf8))

        var index: UInt64 = 0
        while true {
            let client = try Socket.accept(listener.fd)
            index += 1
            var random = SeededRandom(seed: seed, stream: index)
            let fault = ConnectionFault.draw(settings, using: &random)
            let connection = Connection(id: index, client: client, target: target, settings: settings, fault: fault, random: random)
            connection.log("accepted")
            Thread { connection.run() }.start()
        }
    }
}
