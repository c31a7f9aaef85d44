import Foundation
import GRDB
import Synchronization
import SyncCore
import TestSupport
import Testing

@testable import district_hub

/// Issue 17: no dashboard page may read a table that grows with the years (the audit, the
/// pull log) from end to end; it must seek an index. Every statement the dashboard runs while
/// a browser walks it (every link from the overview, and each audit filter and a deep page)
/// is traced and its `EXPLAIN QUERY PLAN` checked, as prepared (parameters unbound), so a scan
/// added by a new page fails here.
@Suite("Query plans")
struct QueryPlanTests {
    /// Tables whose rows grow with every change merged, for years.
    static let growing = ["audit", "hub_log"]

    /// The one reader allowed to scan: a closed period's report rebuilds every field as it
    /// stood at the period's end from the whole history (`AuditQueries.Latest`); it runs when a
    /// report is asked for, not on every page.
    static let allowed = ["COALESCE(applied_wall, wall) <"]

    final class Statements: Sendable {
        private let seen = Mutex<Set<String>>([])
        func add(_ sql: String) { seen.withLock { _ = $0.insert(sql) } }
        func clear() { seen.withLock { $0.removeAll() } }
        var all: Set<String> { seen.withLock { $0 } }
    }

    @Test("every statement the dashboard runs seeks an index on the audit and the pull log")
    func dashboardQueriesSeek() async throws {
        let statements = Statements()
        try await withRunningHub(open: { path, clock in
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { statements.add(statement.sql) }
                }
            }
            return try HubStore(writer: try DatabasePool(path: path, configuration: configuration), clock: clock)
        }) { url, store in
            try await DashboardTests().seed(store)
            try await Self.seedMore(store)
            statements.clear()
            let port = Int(url.split(separator: ":").last!)!
            let visited = try await runBlocking { () throws -> Int in
                let browser = Browser(port: port)
                try DashboardTests().signIn(browser)
                let deep = "after=\(Int64.max)"
                return try Self.crawl(browser, from: ["/", "/audit?commune=long-dong", "/audit?collection=progress", "/audit?field=percent",
                                                      "/audit?outcome=lost", "/audit?outcome=applied", "/audit?from=2020-01-01&to=2040-01-01",
                                                      "/audit?\(deep)", "/audit?commune=long-dong&\(deep)", "/audit?from=2020-01-01&\(deep)",
                                                      "/export/audit.csv?commune=long-dong", "/export/audit.xlsx?outcome=lost"])
            }
            #expect(visited > 20)
            let path = try #require(store.path as String?)
            let reader = try DatabaseQueue(path: path)
            var scans: [String] = []
            var checked = 0
            for sql in statements.all where sql.uppercased().hasPrefix("SELECT") || sql.uppercased().hasPrefix("WITH") {
                let plan = try await reader.read { db in try Self.plan(sql, db) }
                checked += 1
                let growing = plan.filter { detail in Self.growing.contains { detail.hasPrefix("SCAN \($0)") } }
                if !growing.isEmpty, !Self.allowed.contains(where: sql.contains), !Self.readsNewest(sql, plan) {
                    scans.append("\(growing.joined(separator: "; ")) ← \(sql)")
                }
            }
            #expect(checked >= 15)
            #expect(scans.isEmpty, "full scans:\n\(scans.joined(separator: "\n"))")
            // The audit filters each found their index.
            let plans = try await reader.read { db in
                try statements.all.filter { $0.contains("FROM audit") && !$0.contains("COALESCE") }.flatMap {
                    try Self.plan($0, db)
                }
            }
            for index in ["audit_commune", "audit_record_others", "audit_collection", "audit_field", "audit_outcome", "audit_received"] {
                #expect(plans.contains { $0.contains("USING INDEX \(index)") || $0.contains("USING COVERING INDEX \(index)") },
                        "\(index) unused: \(plans)")
            }
        }
    }

    /// The newest page unfiltered: rows by id, last first, up to the page, no other condition
    /// and no sort. SQLite calls it a scan, but it stops after the page.
    static func readsNewest(_ sql: String, _ plan: [String]) -> Bool {
        !sql.contains("WHERE") && sql.hasSuffix("ORDER BY id DESC LIMIT ?") && !plan.contains { $0.contains("TEMP B-TREE") }
    }

    /// The plan's steps of a statement as the dashboard prepared it (parameters unbound, as
    /// SQLite plans them).
    static func plan(_ sql: String, _ db: Database) throws -> [String] {
        let parameters = sql.filter { $0 == "?" }.count
        return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql,
                                arguments: StatementArguments(Array(repeating: nil as Int64?, count: parameters))).map { $0["detail"] }
    }

    /// A lost write and an equipment check beside the dashboard tests' seed.
    static func seedMore(_ store: HubStore) async throws {
        let node = try await store.enroll(commune: "bac-quynh", name: nil, label: "desk")
        let changes = [
            PushedChange(seq: 1, collection: "equipment", record: "bac-quynh/computer", field: "total", value: .int(4),
                         hlc: HLC(wall: 2_000), actor: "Trần Thị Bình"),
            PushedChange(seq: 2, collection: "progress", record: "bac-quynh/4.3", field: "percent", value: .int(20),
                         hlc: HLC(wall: 3_000), actor: "Trần Thị Bình"),
            PushedChange(seq: 3, collection: "progress", record: "bac-quynh/4.3", field: "percent", value: .int(10),
                         hlc: HLC(wall: 2_500), actor: "Trần Thị Bình"),
        ]
        _ = try await store.exchange(SyncRequest(node: node.node, commune: "bac-quynh", clock: 0, cursor: 0, changes: changes),
                                     from: try await store.authenticate(token: node.token))
        try await store.recordDistrict([FieldWrite(collection: "progress", record: "bac-quynh/4.3", field: "review", value: .text(ReviewDecision.returned.rawValue))],
                                       actor: "noivu")
    }

    /// Visits `start` and every same-site link found on the way (GET, once each, at most 400).
    static func crawl(_ browser: Browser, from start: [String]) throws -> Int {
        var queue = start, seen = Set(start)
        var visited = 0
        let link = try Regex(##"href="(/[^"#]*)""##)
        while !queue.isEmpty, visited < 400 {
            let path = queue.removeFirst()
            let reply = try browser.get(path)
            visited += 1
            #expect(reply.status < 500, "\(path): \(reply.status)")
            guard reply.header("content-type")?.hasPrefix("text/html") == true else { continue }
            for match in browser.lastPage.matches(of: link) {
                let href = String(match.output[1].substring ?? "").replacingOccurrences(of: "&amp;", with: "&")
                if href.hasPrefix("/logout") || href.hasPrefix("/static") || href.hasSuffix(".css") || seen.contains(href) { continue }
                seen.insert(href)
                queue.append(href)
            }
        }
        return visited
    }
}
