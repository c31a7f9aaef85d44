import TestSupport

/// What the command line asked for: how often each fault strikes, and how the link is shaped.
struct FaultSettings: Sendable {
    var cutProbability = 0.0
    var stallProbability = 0.0
    var dropReplyProbability = 0.0
    var injectProbability = 0.0
    var inject: [InjectedReply] = []
    var retryAfter = 1
    /// Each reply waits a random 0…delay before its first byte.
    var delay = Duration.zero
    /// Requests whose body is larger are answered 413, like a front proxy's body limit.
    var maxBodyBytes: Int?
    var shaping = Shaping()

    /// Faults are drawn per connection, and the agent keeps its connection for the next
    /// exchange: with any fault on, the proxy closes a connection once its reply is through,
    /// so every exchange draws its own. Shaping alone keeps connections, as a real link does.
    var oneExchangePerConnection: Bool {
        cutProbability + stallProbability + dropReplyProbability + injectProbability > 0 || delay > .zero || maxBodyBytes != nil
    }
}

/// The slow rural link: bandwidth per direction, latency, and loss. A proxy cannot drop TCP
/// segments, so loss is modelled by its effect: a lost ~1460-byte segment arrives one
/// retransmission timeout late, and everything behind it waits (TCP delivers in order).
struct Shaping: Sendable {
    /// Bits per second in each direction; 0 for no limit.
    var rateKbit = 0.0
    /// Added to every segment in each direction: half the round-trip time.
    var oneWay = Duration.zero
    var lossPercent = 0.0
    /// What a lost segment waits: max(200 ms, RTT), Linux's floor for the retransmission timeout.
    var retransmissionTimeout = Duration.milliseconds(200)

    static let segmentBytes = 1460
}

/// Which way bytes flow: the agent's request to the hub, or the hub's reply.
enum Direction: String, Sendable {
    case request, reply
}

/// The fault one connection suffers, drawn from the run's seed when it is accepted.
enum ConnectionFault: Sendable, Equatable {
    case none
    /// Close both sides once `fraction` of the message in `direction` has gone through.
    case cut(Direction, fraction: Double)
    /// From `fraction` of the message in `direction` on, forward 10 bytes per second.
    case stall(Direction, fraction: Double)
    /// Let the hub commit, read its whole reply, then close without sending any of it.
    case dropReply
    /// Answer in the hub's place: before it sees the request, or instead of its reply.
    case inject(InjectedReply, afterHub: Bool)

    /// Draws one fault; the probabilities are exclusive slices of [0, 1).
    static func draw(_ settings: FaultSettings, using random: inout SeededRandom) -> ConnectionFault {
        var roll = Double.random(in: 0..<1, using: &random)
        let direction: Direction = Bool.random(using: &random) ? .request : .reply
        let fraction = Double.random(in: 0..<1, using: &random)
        roll -= settings.cutProbability
        if roll < 0 { return .cut(direction, fraction: fraction) }
        roll -= settings.stallProbability
        if roll < 0 { return .stall(direction, fraction: fraction) }
        roll -= settings.dropReplyProbability
        if roll < 0 { return .dropReply }
        roll -= settings.injectProbability
        if roll < 0, let reply = settings.inject.randomElement(using: &random) {
            return .inject(reply, afterHub: reply.mayFollowHub && Bool.random(using: &random))
        }
        return .none
    }
}
