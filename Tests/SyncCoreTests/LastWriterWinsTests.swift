import SyncCore
import TestSupport
import Testing

/// Every stamp over a small domain: three walls, three counters, three nodes.
private let stamps: [Stamp] = {
    var stamps: [Stamp] = []
    for wall in [Int64(0), 1, 2] {
        for counter in [UInt32(0), 1, UInt32.max] {
            for node in ["a", "b", "n-0123"] {
                stamps.append(Stamp(hlc: HLC(wall: wall, counter: counter), node: node))
            }
        }
    }
    return stamps
}()

@Suite("Last writer wins")
struct LastWriterWinsTests {
    @Test("the outcome of every pair follows the (hlc, node) order, and the pair's reverse is its mirror")
    func everyPair() {
        for incoming in stamps {
            #expect(LastWriterWins.outcome(incoming: incoming, current: nil) == .applied)
            for current in stamps {
                let outcome = LastWriterWins.outcome(incoming: incoming, current: current)
                let reverse = LastWriterWins.outcome(incoming: current, current: incoming)
                if incoming == current {
                    #expect(outcome == .duplicate && reverse == .duplicate)
                } else if incoming.hlc != current.hlc {
                    #expect(outcome == (incoming.hlc > current.hlc ? .applied : .lost))
                } else {
                    #expect(outcome == (incoming.node.utf8.lexicographicallyPrecedes(current.node.utf8) ? .lost : .applied))
                }
                if outcome == .applied { #expect(reverse == .lost) }
                if outcome == .lost { #expect(reverse == .applied) }
            }
        }
    }

    @Test("against a stored field, the outcome is the same, and the stored node is read only when the clocks tie")
    func storedField() {
        for incoming in stamps {
            for current in stamps {
                var nodeReads = 0
                let outcome = LastWriterWins.outcome(incoming: incoming, currentHLC: current.hlc) {
                    nodeReads += 1
                    return current.node
                }
                #expect(outcome == LastWriterWins.outcome(incoming: incoming, current: current))
                #expect(nodeReads == (incoming.hlc == current.hlc ? 1 : 0))
            }
        }
    }

    @Test("the order is transitive over every triple")
    func transitive() {
        for a in stamps {
            for b in stamps where a < b {
                for c in stamps where b < c {
                    #expect(a < c)
                }
            }
        }
    }

    @Test("folding any ordering of a set of writes keeps the same winner, and repeating writes changes nothing")
    func orderAndRepetitionDoNotMatter() {
        var generator = SeededRandom(seed: 7)
        for _ in 0..<2_000 {
            let writes = (0..<Int.random(in: 1...6, using: &generator)).map { _ in stamps.randomElement(using: &generator)! }
            let expected = writes.max()!
            for _ in 0..<4 {
                // Shuffled, with some writes delivered twice.
                let delivered = (writes + writes.filter { _ in Bool.random(using: &generator) }).shuffled(using: &generator)
                var current: Stamp?
                for stamp in delivered where LastWriterWins.outcome(incoming: stamp, current: current) == .applied {
                    current = stamp
                }
                #expect(current == expected)
            }
        }
    }
}
