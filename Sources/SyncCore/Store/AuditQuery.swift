import GRDB

/// An audit filter as SQL that one of the audit's indexes serves (`v9-audit-indexes`), so a
/// page costs an index lookup however many years the audit holds:
///
/// - a commune's entries are its nodes' writes (`audit_commune`: commune, collection, id) and
///   others' writes to its records (`audit_record_others`: the district's and refused rows). The
///   first is read one collection at a time, each branch newest first up to the page, and the
///   branches merged: `ORDER BY id` over the whole commune would sort all of its years;
/// - a collection, a field, an outcome, each has its own `(…, id)` index;
/// - a date range walks `audit_received` in receive order.
///
/// Where several filters are given SQLite picks one index and checks the rest row by row.
/// No `ANALYZE` runs on the store: the plans are SQLite's fixed choices, the ones
/// `QueryPlanTests` checks, not statistics that drift as the store grows.
struct AuditQuery {
    var sql: String
    var arguments: StatementArguments

    init(_ filter: AuditFilter, _ db: Database) throws {
        let byTime = filter.fromMillis != nil || filter.toMillis != nil
        let direction = filter.newestFirst ? "DESC" : "ASC"
        let order = byTime ? "ORDER BY received_at \(direction), id \(direction)" : "ORDER BY id \(direction)"
        var terms: [String] = [], values: StatementArguments = []
        if let collection = filter.collection { terms.append("collection = ?"); values += [collection] }
        if let record = filter.record { terms.append("record = ?"); values += [record] }
        if let prefix = filter.recordPrefix {
            let (term, prefixValues) = Self.startsWith(prefix)
            terms.append(term); values += prefixValues
        }
        if let field = filter.field { terms.append("field = ?"); values += [field] }
        if let outcome = filter.outcome { terms.append("outcome = ?"); values += [outcome.rawValue] }
        // A later page in receive order starts at its cursor's receive time: folded into the
        // range's bound, so the index seeks there instead of walking down from the range's end.
        let cursorTime = "(SELECT received_at FROM audit WHERE id = ?)"
        switch (filter.after, byTime, filter.newestFirst) {
        case (let after?, true, true):
            if let from = filter.fromMillis { terms.append("received_at >= ?"); values += [from] }
            terms.append("received_at < min(?, \(cursorTime) + 1)"); values += [filter.toMillis ?? Int64.max, after]
            terms.append("(received_at, id) < (\(cursorTime), ?)"); values += [after, after]
        case (let after?, true, false):
            terms.append("received_at >= max(?, \(cursorTime))"); values += [filter.fromMillis ?? Int64.min, after]
            if let to = filter.toMillis { terms.append("received_at < ?"); values += [to] }
            terms.append("(received_at, id) > (\(cursorTime), ?)"); values += [after, after]
        default:
            if let from = filter.fromMillis { terms.append("received_at >= ?"); values += [from] }
            if let to = filter.toMillis { terms.append("received_at < ?"); values += [to] }
            if let after = filter.after { terms.append(filter.newestFirst ? "id < ?" : "id > ?"); values += [after] }
        }
        func select(_ own: [String], _ ownValues: StatementArguments, from table: String = "audit") -> (String, StatementArguments) {
            let all = own + terms
            return ("SELECT \(AuditQueries.columns) FROM \(table)\(all.isEmpty ? "" : " WHERE " + all.joined(separator: " AND ")) \(order) LIMIT ?",
                    ownValues + values + [filter.limit])
        }
        guard let commune = filter.commune else {
            (sql, arguments) = select([], [])
            return
        }
        var branches: [(String, StatementArguments)] = []
        for collection in try filter.collection.map({ [$0] }) ?? Self.collections(commune: commune, db) {
            branches.append(select(["commune = ?", "collection = ?"], [commune, collection]))
        }
        // Others' writes to the commune's record and to those under it: the district's, and
        // other communes' (always refused). Left to itself SQLite reads every district row
        // through `audit_commune` (commune IS NULL) and sorts them all. An archive has no index
        // but the primary key.
        let (ownRecords, ownRecordValues) = Self.startsWith(commune + "/")
        let others = try db.indexes(on: "audit").contains { $0.name == "audit_record_others" } ? "audit INDEXED BY audit_record_others" : "audit"
        for (term, termValues) in [("record = ?", [commune] as StatementArguments), (ownRecords, ownRecordValues)] {
            branches.append(select(["(commune IS NULL OR outcome = 'rejected')", "commune IS NOT ?", term], [commune] + termValues, from: others))
        }
        sql = "SELECT * FROM (" + branches.map { "SELECT * FROM (\($0.0))" }.joined(separator: " UNION ALL ") + ") \(order) LIMIT ?"
        arguments = branches.reduce(into: StatementArguments()) { $0 += $1.1 } + [filter.limit]
    }

    /// The collections a commune's nodes wrote to, found by skipping through `audit_commune`
    /// (one seek each) rather than reading the commune's rows.
    static func collections(commune: String, _ db: Database) throws -> [String] {
        var found: [String] = []
        while let next = try String.fetchOne(db, sql: """
            SELECT collection FROM audit WHERE commune = ?\(found.isEmpty ? "" : " AND collection > ?") ORDER BY collection LIMIT 1
            """, arguments: [commune] + (found.last.map { [$0] } ?? [])) {
            found.append(next)
        }
        return found
    }

    /// `record` starts with `prefix`, as a range an index can seek: from the prefix to the same
    /// with its last character one up (identifiers are ASCII; anything else is compared whole).
    static func startsWith(_ prefix: String) -> (String, StatementArguments) {
        guard let last = prefix.unicodeScalars.last, last.isASCII, last.value < 127 else {
            return ("substr(record, 1, length(?)) = ?", [prefix, prefix])
        }
        return ("record >= ? AND record < ?", [prefix, String(decoding: prefix.utf8.dropLast() + [UInt8(last.value + 1)], as: UTF8.self)])
    }
}
