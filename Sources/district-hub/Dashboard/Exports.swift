import Foundation
import Hummingbird
import OfficeDocuments
import SyncCore
import WebSupport

/// The dashboard's downloads: each table as CSV (UTF-8 with a BOM) and as an Excel workbook,
/// from the same rows, since district staff live in Excel.
enum ExportFormat: String, CaseIterable, Sendable {
    case csv, xlsx

    var contentType: String {
        switch self {
        case .csv: "text/csv; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }
}

extension RouterGroup<DashboardContext> {
    /// `path.csv` and `path.xlsx`, both answering `rows` (a header row first) as the file
    /// `file.csv` or `file.xlsx` with `sheet` as the workbook's sheet.
    func export(_ path: String, file: @escaping @Sendable (Request) -> String, sheet: String,
                rows: @escaping @Sendable (Request) async throws -> [[String]]) {
        for format in ExportFormat.allCases {
            get("\(path).\(format.rawValue)") { request, _ in
                try Export.response(try await rows(request), file: "\(file(request)).\(format.rawValue)", sheet: sheet, format: format)
            }
        }
    }
}

extension RouterGroup<DashboardContext> {
    /// `path.csv` and `path.xlsx` for a table too long to hold (the audit): `items` hands
    /// batches to its `send` as it reads them (with the request's `rows` at hand), and each goes out as it comes, so memory holds
    /// one batch and the first bytes leave at once in either format. Each core formats its own
    /// range of a batch as the request's `rows` write it, and encodes it (CSV) or encodes and
    /// deflates it (.xlsx) too. The `repeating` columns' text goes to the workbook's shared
    /// strings.
    func exportStream<Rows: RowWriter>(_ path: String, file: @escaping @Sendable (Request) -> String, sheet: String, header: [String],
                                       repeating: Set<Int> = [], rows: @escaping @Sendable (Request) async throws -> Rows,
                                       items: @escaping @Sendable (Request, Rows, _ send: ([Rows.Item]) async throws -> Void) async throws -> Void) {
        get("\(path).csv") { request, _ in
            Response(status: .ok, headers: Export.headers(.csv, file: "\(file(request)).csv"), body: ResponseBody { writer in
                let rows = try await rows(request)
                try await writer.write(Export.csv([header]))
                var sending: [ByteBuffer] = []
                try await items(request, rows) { batch in
                    // The batch before goes out while this one is formatted.
                    async let formatted = concurrentRanges(of: batch.count) { range in
                        var lines = CSVLines(capacity: range.count * 320)
                        for item in batch[range] {
                            rows.write(item, into: &lines)
                            lines.endRow()
                        }
                        return lines.buffer
                    }
                    try await writer.write(contentsOf: sending)
                    sending = try await formatted
                }
                try await writer.write(contentsOf: sending)
                try await writer.finish(nil)
            })
        }
        get("\(path).xlsx") { request, _ in
            Response(status: .ok, headers: Export.headers(.xlsx, file: "\(file(request)).xlsx"), body: ResponseBody { writer in
                let rows = try await rows(request)
                var workbook = SpreadsheetStream(title: sheet, creator: "district-hub", sheet: sheet, header: header, created: Date(),
                                                 sharedColumns: repeating)
                var sending: [[UInt8]] = []
                try await items(request, rows) { batch in
                    // The batch before goes out while this one is formatted and deflated.
                    let current = workbook
                    async let appended = {
                        var next = current
                        try await next.append(batch, as: rows)
                        return next
                    }()
                    try await writer.write(contentsOf: sending.map { ByteBuffer(bytes: $0) })
                    workbook = try await appended
                    sending = workbook.takeOutput()
                }
                try workbook.finish()
                try await writer.write(contentsOf: (sending + workbook.takeOutput()).map { ByteBuffer(bytes: $0) })
                try await writer.finish(nil)
            })
        }
    }
}

enum Export {
    static func headers(_ format: ExportFormat, file: String) -> HTTPFields {
        [.contentType: format.contentType, .contentDisposition: "attachment; filename=\"\(file)\""]
    }

    static func response(_ rows: [[String]], file: String, sheet: String, format: ExportFormat) throws -> Response {
        let body = switch format {
        case .csv: csv(rows)
        case .xlsx: ByteBuffer(data: try workbook(rows, sheet: sheet))
        }
        return Response(status: .ok, headers: headers(format, file: file), body: .init(byteBuffer: body))
    }

    /// An Excel workbook of one sheet: the header row bold and frozen, whole numbers as numbers.
    static func workbook(_ rows: [[String]], sheet: String) throws -> Data {
        try Spreadsheet(title: sheet, creator: "district-hub", sheets: [.init(name: sheet, exported: rows)]).data(created: Date())
    }

    /// A CSV document: BOM, header, rows, CRLF.
    static func csv(_ rows: [[String]]) -> ByteBuffer {
        var lines = CSVLines(capacity: rows.count * 320)
        for row in rows {
            for cell in row { lines.cell(cell) }
            lines.endRow()
        }
        var document = ByteBuffer(string: "\u{FEFF}"), body = lines.buffer
        document.writeBuffer(&body)
        return document
    }

    /// The links a page offers beside its table: CSV and Excel, with the page's filters.
    static func links(_ path: String, query: String = "") -> HTML {
        let suffix = query.isEmpty ? "" : "?" + query
        return "<span class=\"exports\"><a class=\"button secondary\" href=\"\(path).csv\(suffix)\">Tải CSV</a> <a class=\"button secondary\" href=\"\(path).xlsx\(suffix)\">Tải Excel</a></span>"
    }
}
