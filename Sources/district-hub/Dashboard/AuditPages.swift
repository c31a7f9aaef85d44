import Foundation
import OfficeDocuments
import Synchronization
import SyncCore
import WebSupport

/// The audit trail as a district clerk reads it: one row per report, check or district write
/// (the fields one machine wrote to one record under one stamp, the losing ones beside the
/// value kept), in Vietnamese, with the commune's and the task's names. The CSV keeps the raw
/// identifiers in extra columns; `district-hub audit --json` keeps them all.
enum AuditPages {
    /// One row: the fields written together, in the order they were written. A class, and
    /// its entries a view of the batch read: a million-row export hands each report from core
    /// to core, and an entry copied is a dozen strings retained and released.
    final class Report: Sendable {
        /// The entries as read (newest first), reversed: in the order written.
        let entries: ReversedCollection<ArraySlice<AuditEntry>>
        /// The first written, and the collection named, once per report: each of its cells asks.
        let first: AuditEntry
        let collection: RecordCollection?

        /// The entries, in any order: the pages read newest first, which is all it usually takes.
        init(_ read: ArraySlice<AuditEntry>) {
            let descending = read.indices.dropFirst().allSatisfy { read[$0 - 1].id > read[$0].id }
            entries = (descending ? read : ArraySlice(read.sorted { $0.id > $1.id })).reversed()
            first = entries[entries.startIndex]
            collection = RecordCollection(rawValue: first.collection)
        }
    }

    /// Names the rows show instead of codes.
    struct Names: Sendable {
        let communes: [String: String]
        let tasks: [String: String]
        /// "Nhiệm vụ 4.4: Tổng hợp khó khăn…" for each task, made once: an export names a task
        /// on most of its rows.
        let taskSubjects: [String: String]

        /// The requests and sessions the rows name, learnt as the rows are read.
        let requests = RequestNames()

        init(communes: [String: String], tasks: [String: String]) {
            self.communes = communes
            self.tasks = tasks
            taskSubjects = Dictionary(uniqueKeysWithValues: tasks.map { ($0.key, "Nhiệm vụ \($0.key): \($0.value)") })
        }
    }

    /// The topics of the proposals, training requests and sessions that reports name, and the
    /// sessions requests are placed in: the report that answers a proposal or places a request
    /// in a session carries neither, only the session's id. Looked up for the reports about to
    /// be shown or exported (a primary-key read each, once per record), never for every
    /// request the years have gathered.
    final class RequestNames: Sendable {
        private let known = Mutex<[FieldKey: String]>([:])

        /// What names a session (`TrainingSession.name`).
        private static let sessionFields = ["topic", "date", "place"]

        /// Looks up the topics `reports` need and do not carry, and the sessions they name.
        func learn(_ reports: [Report], from store: HubStore) async throws {
            var wanted: Set<FieldKey> = []
            for report in reports {
                switch report.collection {
                case .proposals?, .training?, .sessions?:
                    if !report.entries.contains(where: { $0.field == "topic" }) {
                        wanted.insert(FieldKey(collection: report.first.collection, record: report.first.record, field: "topic"))
                    }
                    guard report.collection == .training else { continue }
                    for entry in report.entries where entry.field == "session" {
                        for id in [entry.value.text, entry.oldValue?.text].compactMap({ $0 }) {
                            wanted.formUnion(Self.sessionFields.map { FieldKey(collection: RecordCollection.sessions.rawValue, record: id, field: $0) })
                        }
                    }
                default: continue
                }
            }
            guard !wanted.isEmpty else { return }
            let unknown = known.withLock { known in wanted.filter { known[$0] == nil } }
            guard !unknown.isEmpty else { return }
            let values = try await store.values(of: unknown)
            known.withLock { known in
                for (key, value) in values { if let text = value.text { known[key] = text } }
            }
        }

        func topic(_ collection: RecordCollection, record: String) -> String? {
            known.withLock { $0[FieldKey(collection: collection.rawValue, record: record, field: "topic")] }
        }

        /// The session `id` by its topic, day and place; nil when its topic was never learnt.
        func session(_ id: String) -> String? {
            let fields = known.withLock { known in
                Self.sessionFields.map { known[FieldKey(collection: RecordCollection.sessions.rawValue, record: id, field: $0)] }
            }
            return fields[0].map { TrainingSession.name(topic: $0, date: fields[1], place: fields[2]) }
        }
    }

    /// Groups entries (newest first, as the page asks for them) into reports: a report's fields
    /// arrive together, so they are neighbours.
    static func reports(_ entries: [AuditEntry]) -> [Report] {
        var grouper = Grouper()
        return grouper.add(entries) + grouper.finish()
    }

    /// Groups a stream of entries, batch by batch: a report may straddle two batches, so the
    /// last one waits for the next batch (or the end). Each report is a slice of its batch.
    struct Grouper {
        private var open: ArraySlice<AuditEntry> = []

        mutating func add(_ batch: [AuditEntry]) -> [Report] {
            var done: [Report] = []
            var start = 0
            if let last = open.last {
                // The report left open goes on into this batch as far as its fields do.
                while start < batch.count, Self.together(last, batch[start]) { start += 1 }
                if start == batch.count {
                    open = ArraySlice(Array(open) + batch)
                    return []
                }
                done.append(Report(start == 0 ? open : ArraySlice(Array(open) + batch[..<start])))
            }
            var reportStart = start
            for index in batch.indices.dropFirst(start + 1) where !Self.together(batch[index - 1], batch[index]) {
                done.append(Report(batch[reportStart..<index]))
                reportStart = index
            }
            open = batch[reportStart...]
            return done
        }

        mutating func finish() -> [Report] {
            defer { open = [] }
            return open.isEmpty ? [] : [Report(open)]
        }

        /// Whether two neighbouring entries are fields of one report: one machine's write to one
        /// record under one stamp, received at once.
        private static func together(_ one: AuditEntry, _ other: AuditEntry) -> Bool {
            one.node == other.node && one.stamp == other.stamp && one.record == other.record && one.collection == other.collection
                && one.receivedAtMillis == other.receivedAtMillis
        }
    }

    /// One page of the audit: the reports it shows, and where the next page starts. A full
    /// page's last report may go on past it, so it waits for the next page whole.
    struct Page {
        var reports: [Report]
        var entries: Int
        /// The id of the last entry shown, when there may be more.
        var next: Int64?

        init(_ entries: [AuditEntry], limit: Int) {
            var reports = AuditPages.reports(entries)
            if entries.count >= limit, reports.count > 1 { reports.removeLast() }
            self.reports = reports
            self.entries = reports.reduce(0) { $0 + $1.entries.count }
            let shown = entries.prefix(self.entries)
            next = entries.count >= limit ? shown.last?.id : nil
        }
    }

    /// What a record is, in words: "Nhiệm vụ 4.4: Tổng hợp khó khăn…", "Máy tính", "Tiêu chí 1.1.1 (2026)".
    static func subject(_ report: Report, names: Names) -> String {
        let record = report.first.record
        guard let collection = report.collection else { return "\(report.first.collection)/\(record)" }
        let item = Schema.recordParts(record).map { String($0.item) } ?? record
        func task(_ id: String) -> String { names.taskSubjects[id] ?? "Nhiệm vụ \(id)" }
        switch collection {
        // A commune's name says what it is ("Xã Long Đống", "Phường 3").
        case .communes: return names.communes[record] ?? "Xã \(record)"
        case .tasks: return task(record)
        case .progress, .officeProgress: return task(item)
        case .equipment: return EquipmentKind(rawValue: item)?.label ?? item
        case .attachments:
            let subject = item.split(separator: "/").dropLast().joined(separator: "/")
            switch RecordSubject(.attachments, item: Substring(subject)) {
            case .criterion(let year, let criterion): return "Tệp minh chứng, tiêu chí \(criterion) (\(year))"
            case .proposal: return "Tệp kèm kiến nghị"
            case .task, .assessment, .none: return "Tệp minh chứng, nhiệm vụ \(subject)\(names.tasks[subject].map { ": " + $0 } ?? "")"
            }
        case .officeAttachments:
            let subject = item.split(separator: "/").dropLast().joined(separator: "/")
            return "Tệp minh chứng, nhiệm vụ \(subject)\(names.tasks[subject].map { ": " + $0 } ?? "")"
        case .criteria:
            let parts = AssessmentRecords.criteriaParts(record)
            return parts.map { "Bộ tiêu chí năm \($0.year), phiên bản \($0.version)" } ?? record
        case .scores:
            return AssessmentRecords.criterionSubject(item).map { "Tiêu chí \($0.criterion) (\($0.year))" } ?? item
        case .assessments: return "Bản tự đánh giá năm \(item)"
        case .proposals, .training, .sessions:
            // Named by its topic: the report's own, else the request's as stored (`RequestNames`);
            // by its id (as the CLIs list it) only when neither has one.
            return report.entries.first { $0.field == "topic" }?.value.text ?? names.requests.topic(collection, record: record) ?? "mã \(item)"
        }
    }

    /// "Trạng thái: Đang thực hiện" for each field; a losing one with the value kept.
    static func details(_ report: Report, names: Names) -> [String] {
        report.entries.map { entry in CellTexts.text { detail(entry, in: report.collection, names: names, into: &$0) } }
    }

    private static func detail<Cells: CellWriter>(_ entry: AuditEntry, in collection: RecordCollection?, names: Names,
                                                  into cells: inout Cells) {
        cells.piece(FieldLabels.field(entry.field, in: collection))
        cells.piece(": ")
        cells.piece(value(entry.value, field: entry.field, in: collection, names: names))
        if entry.outcome.showsValueKept, let kept = entry.oldValue {
            cells.piece(" (đang giữ: ")
            cells.piece(value(kept, field: entry.field, in: collection, names: names))
            cells.piece(")")
        }
    }

    /// A value as `FieldLabels` words it, the communes by their names, and the session a
    /// request is placed in by its name (`RequestNames`), not its id.
    private static func value(_ value: FieldValue, field: String, in collection: RecordCollection?, names: Names) -> String {
        if collection == .training, field == "session", let id = value.text, let session = names.requests.session(id) { return session }
        return FieldLabels.value(value, field: field, in: collection, communes: names.communes)
    }

    /// The outcome of the whole report, or of each part when they differ.
    static func outcome(_ report: Report) -> String {
        let first = report.first.outcome
        if report.entries.allSatisfy({ $0.outcome == first }) { return first.label }
        let outcomes = AuditOutcome.allCases.compactMap { outcome -> (AuditOutcome, Int)? in
            let count = report.entries.filter { $0.outcome == outcome }.count
            return count == 0 ? nil : (outcome, count)
        }
        if outcomes.count == 1 { return outcomes[0].0.label }
        return outcomes.map { "\($0.0.shortLabel) \($0.1) trường" }.joined(separator: ", ")
    }

    static func page(_ page: Page, names: Names, values: [String: String]) -> HTML {
        func select(_ name: String, _ label: String, _ options: [(String, String)]) -> HTML {
            let choices = ([("", "Tất cả")] + options).map { key, text -> HTML in
                "<option value=\"\(key)\"\(values[name] ?? "" == key ? " selected" : "")>\(text)</option>"
            }.joined()
            return "<label>\(label) <select name=\"\(name)\">\(choices)</select></label>"
        }
        func date(_ name: String, _ label: String) -> HTML {
            "<label>\(label) <input type=\"date\" name=\"\(name)\" value=\"\(values[name] ?? "")\"></label>"
        }
        let communes = names.communes.sorted { $0.value.compare($1.value, locale: Locale(identifier: "vi")) == .orderedAscending }
        let rows = page.reports.map { report -> HTML in
            let first = report.first
            let lost = report.entries.contains { $0.outcome == .lost || $0.outcome == .rejected }
            let reasons = Set(report.entries.compactMap(\.reason)).sorted()
            return """
                <tr class="\(lost ? "outcome-\(report.entries.contains { $0.outcome == .rejected } ? "rejected" : "lost")" : "outcome-\(first.outcome.rawValue)")">
                <td>\(VietnameseFormat.dateTime(millis: first.receivedAtMillis, seconds: true))</td>
                <td>\(first.commune.map { names.communes[$0] ?? $0 } ?? "Huyện")</td>
                <td><strong>\(report.collection.map(FieldLabels.collection) ?? first.collection)</strong><br>\(subject(report, names: names))</td>
                <td><ul class="history">\(details(report, names: names).map { "<li>\($0)</li>" as HTML }.joined())</ul></td>
                <td>\(first.actor)<br><small class="meta">\(first.node)</small></td>
                <td>\(outcome(report))\(reasons.map { "<br><small>\($0)</small>" as HTML }.joined())</td></tr>
                """
        }.joined()
        let query = queryString(values.filter { $0.key != "after" })
        var pager: [HTML] = []
        if values["after"] != nil { pager.append("<a href=\"/audit\(query.isEmpty ? "" : "?" + query)\">Về trang đầu (mới nhất)</a>") }
        if let next = page.next {
            pager.append("<a href=\"/audit?\(query.isEmpty ? "" : query + "&")after=\(next)\">Trang sau (cũ hơn) →</a>")
        }
        let nav: HTML = pager.isEmpty ? "" : "<nav class=\"pager\">\(pager.joined(separator: " · "))</nav>"
        return """
            <form method="get" action="/audit" class="filters">
            \(select("commune", "Xã", communes.map { ($0.key, $0.value) }))
            \(select("collection", "Loại", RecordCollection.allCases.map { ($0.rawValue, FieldLabels.collection($0)) }))
            \(select("field", "Trường", FieldLabels.allFields.map { ($0.field, $0.label) }))
            \(select("outcome", "Kết quả", AuditOutcome.allCases.map { ($0.rawValue, $0.label) }))
            \(date("from", "Từ ngày"))\(date("to", "Đến ngày"))
            <button type="submit">Lọc</button>
            \(Export.links("/export/audit", query: query))
            </form>
            <p class="meta">\(page.reports.count) lần ghi\(values["after"] == nil ? " gần nhất" : ", tiếp theo") (\(page.entries) trường, tối đa 500 một trang); giờ Việt Nam. Lần ghi bị ghi đè hay bị từ chối được tô màu.</p>
            <table class="audit"><thead><tr><th>Lúc nhận</th><th>Xã</th><th>Nội dung</th><th>Chi tiết</th><th>Người ghi, máy</th><th>Kết quả</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            \(nav)
            """
    }

    /// The refusals' reasons, each once.
    static func reasons(_ report: Report) -> String {
        guard report.entries.contains(where: { $0.reason != nil }) else { return "" }
        return Set(report.entries.compactMap(\.reason)).sorted().joined(separator: "; ")
    }

    /// The export's columns: those of the page, then the raw identifiers for whoever needs them.
    static let header = ["Lúc nhận", "Xã", "Loại", "Nội dung", "Chi tiết", "Người ghi", "Máy", "Kết quả", "Lý do",
                         "commune", "collection", "record", "fields", "outcomes", "hlc"]

    /// The export's columns whose text comes from a small set and repeats from row to row
    /// (names, kinds, outcomes): the workbook holds each text once. Not the moments, records,
    /// subjects, details or stamps, which change from one row to the next.
    static let repeatingColumns = Set(["Xã", "Loại", "Người ghi", "Máy", "Kết quả", "Lý do", "commune", "collection", "outcomes"]
        .compactMap(header.firstIndex(of:)))

    /// The export's rows, one a report, written cell by cell (`CellWriter`). Most reports
    /// are one field (an export of a million rows mostly is). The cells composed of parts (the
    /// moment, the details, the raw fields, the stamp) are written in pieces, none of them a
    /// plain number: they hold `/`, `:`, `=` or `.`.
    struct ExportRows: RowWriter {
        let names: Names

        func write<Cells: CellWriter>(_ report: Report, into cells: inout Cells) {
            // `report.first` read in place each time: bound to a name, it would be copied.
            let collection = report.collection, single = report.entries.count == 1
            cells.beginText()
            VietnameseFormat.dateTime(millis: report.first.receivedAtMillis, seconds: true) { cells.piece(utf8: $0) }
            cells.endText()
            cells.cell(report.first.commune.map { names.communes[$0] ?? $0 } ?? "Huyện")
            cells.cell(collection.map(FieldLabels.collection) ?? report.first.collection)
            cells.cell(subject(report, names: names))
            cells.beginText()
            if single {
                detail(report.first, in: collection, names: names, into: &cells)
            } else {
                for (index, entry) in report.entries.enumerated() {
                    if index > 0 { cells.piece("; ") }
                    detail(entry, in: collection, names: names, into: &cells)
                }
            }
            cells.endText()
            cells.cell(report.first.actor)
            cells.cell(report.first.node)
            cells.cell(outcome(report))
            cells.cell(reasons(report))
            cells.cell(report.first.commune ?? "")
            cells.cell(report.first.collection)
            cells.cell(report.first.record)
            cells.beginText()
            if single {
                Self.field(report.first, into: &cells)
            } else {
                for (index, entry) in report.entries.enumerated() {
                    if index > 0 { cells.piece("; ") }
                    Self.field(entry, into: &cells)
                }
            }
            cells.endText()
            cells.cell(single ? report.first.outcome.rawValue : report.entries.map(\.outcome.rawValue).joined(separator: ";"))
            cells.beginText()
            cells.piece(decimal: report.first.stamp.wall)
            cells.piece(".")
            cells.piece(decimal: Int64(report.first.stamp.counter))
            cells.endText()
        }

        /// `field=value`, as the wire names them.
        private static func field<Cells: CellWriter>(_ entry: AuditEntry, into cells: inout Cells) {
            cells.piece(entry.field)
            cells.piece("=")
            if case .int(let number) = entry.value { cells.piece(decimal: number) } else { cells.piece(entry.value.description) }
        }
    }
}
