import SyncCore
import Testing

@Suite("Pull cursor")
struct PullCursorTests {
    @Test("a cursor reads back as it was written: its log, its position and whether it is a full pull")
    func encoding() {
        #expect(PullCursor(PullCursor.fullPull) == PullCursor(position: 0, full: true))
        #expect(PullCursor(0) == PullCursor(position: 0, full: false))
        for logID: Int64 in [0, 1, 4_242, PullCursor.logIDLimit - 1] {
            for position: Int64 in [0, 1, 42, (1 << 40) - 1] {
                for full in [false, true] {
                    let cursor = PullCursor(logID: logID, position: position, full: full)
                    #expect(PullCursor(cursor.encoded) == cursor)
                    #expect((cursor.encoded < 0) == full)
                }
            }
        }
        // A cursor from before log ids is a plain position in log 0.
        #expect(PullCursor(1_234) == PullCursor(logID: 0, position: 1_234, full: false))
        // Whatever a node sends decodes without trapping.
        #expect(PullCursor(Int64.min) == PullCursor(logID: PullCursor.logIDLimit - 1, position: (1 << 40) - 1, full: true))
        #expect(PullCursor(Int64.max) == PullCursor(logID: PullCursor.logIDLimit - 1, position: (1 << 40) - 1, full: false))
    }

    @Test("a full pull brings back the node's own writes, page after page; a normal pull leaves them out")
    func fullPullIncludesOwnWrites() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        for task in ["4.1", "4.3", "9.1"] { try await node.report(task, .inProgress, percent: 50) }
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        let own = { (changes: [PulledChange]) in changes.filter { $0.change.stamp.node == node.identity.node }.count }
        let identity = try await district.hub.authenticate(token: node.token)
        let written = try await district.hub.allFields().values.filter { $0.stamp.node == node.identity.node }.count

        let normal = try await district.hub.exchange(
            SyncRequest(node: node.identity.node, commune: "long-dong", clock: 0, cursor: 0, changes: []),
            from: identity)
        #expect(own(normal.response.changes) == 0)

        var cursor = PullCursor.fullPull
        var pulledOwn = 0
        var pages = 0
        repeat {
            let page = try await district.hub.exchange(
                SyncRequest(node: node.identity.node, commune: "long-dong", clock: 0, cursor: cursor, pullLimit: 5, changes: []),
                from: identity)
            pulledOwn += own(page.response.changes)
            cursor = page.response.cursor
            pages += 1
            #expect(page.response.more == (cursor < 0), "the cursor stays full until the last page")
            if !page.response.more { break }
        } while pages < 100
        #expect(pages > 2)
        #expect(written > 0 && pulledOwn == written, "every field the node's three reports hold at the hub")
    }
}
