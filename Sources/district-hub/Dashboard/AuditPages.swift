import Foundation
import SyncCore
import WebSupport

/// The audit trail as a district clerk reads it: one row per report, check or district write
/// (the fields one machine wrote to one record under one stamp, the losing ones beside the
/// value kept), in Vietnamese, with the commune's and the task's names. The CSV keeps the raw
/// identifiers in extra columns; `district-hub audit --json` keeps them all.
enum AuditPages {
    /// One row: the fields written together, in the order they were written.
    struct Report: Sendable {
        let entries: [AuditEntry]
        /// The first written, and the collection named, once per report: each of its cells
        /// asks, and an entry copied is a dozen strings retained and released.
        let first: AuditEntry
        let collection: RecordCollection?

        /// The entries put in the order written, from any order: the pages read newest first,
        /// so reversing is all it usually takes.
        init(_ entries: [AuditEntry]) {
            let descending = zip(entries, entries.dropFirst()).allSatisfy { $0.id > $1.id }
            self.entries = descending ? entries.reversed() : entries.sorted { $0.id < $1.id }
            first = self.entries[0]
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

        init(communes: [String: String], tasks: [String: String]) {
            self.communes = communes
            self.tasks = tasks
            taskSubjects = Dictionary(uniqueKeysWithValues: tasks.map { ($0.key, "Nhiệm vụ \($0.key): \($0.value)") })
        }
    }

    /// Groups entries (newest first, as the page asks for them) into reports: a report's fields
    /// arrive together, so they are neighbours.
    static func reports(_ entries: [AuditEntry]) -> [Report] {
        var grouper = Grouper()
        return grouper.add(entries) + grouper.finish()
    }

    /// Groups a stream of entries, batch by batch: a report may straddle two batches, so the
    /// last one waits for the next batch (or the end).
    struct Grouper {
        private var open: [AuditEntry] = []

        mutating func add(_ entries: [AuditEntry]) -> [Report] {
            var done: [Report] = []
            for entry in entries {
                if let last = open.first, !(last.node == entry.node && last.stamp == entry.stamp && last.record == entry.record
                    && last.collection == entry.collection && last.receivedAtMillis == entry.receivedAtMillis)
                {
                    done.append(Report(open))
                    open.removeAll(keepingCapacity: true)
                }
                open.append(entry)
            }
            return done
        }

        mutating func finish() -> [Report] {
            defer { open = [] }
            return open.isEmpty ? [] : [Report(open)]
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
            // Named by its topic when the report carries it; by its id (as the CLIs list it) when not.
            return report.entries.first { $0.field == "topic" }?.value.text ?? "mã \(item)"
        }
    }

    /// "Trạng thái: Đang thực hiện" for each field; a losing one with the value kept.
    static func details(_ report: Report) -> [String] {
        report.entries.map { detail($0, in: report.collection) }
    }

    private static func detail(_ entry: AuditEntry, in collection: RecordCollection?) -> String {
        let value = FieldLabels.value(entry.value, field: entry.field, in: collection)
        let kept = entry.outcome.showsValueKept
            ? entry.oldValue.map { " (đang giữ: \(FieldLabels.value($0, field: entry.field, in: collection)))" } ?? "" : ""
        return "\(FieldLabels.field(entry.field, in: collection)): \(value)\(kept)"
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
                <td><ul class="history">\(details(report).map { "<li>\($0)</li>" as HTML }.joined())</ul></td>
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

    /// One report as the export's row. Most reports are one field (an export of a million
    /// rows mostly is), which is written without the lists and joins of several.
    static func row(_ report: Report, names: Names) -> [String] {
        let first = report.first
        let single = report.entries.count == 1
        return [
            VietnameseFormat.dateTime(millis: first.receivedAtMillis, seconds: true), first.commune.map { names.communes[$0] ?? $0 } ?? "Huyện",
            report.collection.map(FieldLabels.collection) ?? first.collection, subject(report, names: names),
            single ? detail(first, in: report.collection) : details(report).joined(separator: "; "),
            first.actor, first.node, outcome(report), reasons(report),
            first.commune ?? "", first.collection, first.record,
            single ? "\(first.field)=\(first.value.description)" : report.entries.map { "\($0.field)=\($0.value.description)" }.joined(separator: "; "),
            single ? first.outcome.rawValue : report.entries.map(\.outcome.rawValue).joined(separator: ";"), first.hlc,
        ]
    }
}
