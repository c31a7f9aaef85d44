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
    /// `path.csv` and `path.xlsx` for a table too long to hold (the audit): `rows` hands
    /// batches of rows to its `send` as it reads them. The CSV goes out as they come; the
    /// workbook is written to a temporary file a batch at a time and then sent from there, so
    /// memory holds one batch either way.
    func exportStream(_ path: String, file: @escaping @Sendable (Request) -> String, sheet: String, header: [String],
                      rows: @escaping @Sendable (Request, _ send: ([[String]]) async throws -> Void) async throws -> Void) {
        get("\(path).csv") { request, _ in
            Response(status: .ok, headers: Export.headers(.csv, file: "\(file(request)).csv"), body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: Export.csv([header])))
                try await rows(request) { batch in
                    if !batch.isEmpty { try await writer.write(contentsOf: await batch.concurrentChunks(Export.csvLines).map { ByteBuffer(string: $0) }) }
                }
                try await writer.finish(nil)
            })
        }
        get("\(path).xlsx") { request, _ in
            let workbook = try SpreadsheetFile(directory: FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)"),
                                               title: sheet, creator: "district-hub", sheet: sheet, header: header)
            defer { try? FileManager.default.removeItem(at: workbook.directory) }
            try await rows(request) { batch in try workbook.append(exported: batch) }
            let url = try workbook.finish(created: Date())
            // Open before the directory goes: the open file outlives its name until it is sent.
            let input = try FileHandle(forReadingFrom: url)
            let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int
            return Response(status: .ok, headers: Export.headers(.xlsx, file: "\(file(request)).xlsx"), body: ResponseBody(contentLength: size) { writer in
                defer { try? input.close() }
                while let chunk = try input.read(upToCount: 256 * 1024), !chunk.isEmpty {
                    try await writer.write(ByteBuffer(data: chunk))
                }
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
        case .csv: ByteBuffer(string: csv(rows))
        case .xlsx: ByteBuffer(data: try workbook(rows, sheet: sheet))
        }
        return Response(status: .ok, headers: headers(format, file: file), body: .init(byteBuffer: body))
    }

    /// An Excel workbook of one sheet: the header row bold and frozen, whole numbers as numbers.
    static func workbook(_ rows: [[String]], sheet: String) throws -> Data {
        try Spreadsheet(title: sheet, creator: "district-hub", sheets: [.init(name: sheet, exported: rows)]).data(created: Date())
    }

    /// A CSV document: BOM, header, rows, CRLF.
    static func csv(_ rows: [[String]]) -> String {
        "\u{FEFF}" + csvLines(rows)
    }

    /// Rows of a CSV document, each ended by CRLF.
    static func csvLines(_ rows: [[String]]) -> String {
        var lines = ""
        lines.reserveCapacity(rows.count * 256)
        for row in rows {
            for (index, cell) in row.enumerated() {
                if index > 0 { lines += "," }
                lines += Overview.csvField(cell)
            }
            lines += "\r\n"
        }
        return lines
    }

    /// The links a page offers beside its table: CSV and Excel, with the page's filters.
    static func links(_ path: String, query: String = "") -> HTML {
        let suffix = query.isEmpty ? "" : "?" + query
        return "<a class=\"button secondary\" href=\"\(path).csv\(suffix)\">Tải CSV</a> <a class=\"button secondary\" href=\"\(path).xlsx\(suffix)\">Tải Excel</a>"
    }
}

extension Array where Element: Sendable {
    /// `transform` over this array cut in as many chunks as the machine has cores, each in a
    /// task of its own, the results in order: an export formats a batch of thousands of rows
    /// while the next is read, on every core the hub has.
    func concurrentChunks<T: Sendable>(_ transform: @escaping @Sendable ([Element]) -> T) async -> [T] {
        let chunks = Swift.min(ProcessInfo.processInfo.activeProcessorCount, Swift.max(1, count / 500))
        guard chunks > 1 else { return [transform(self)] }
        let size = (count + chunks - 1) / chunks
        return await withTaskGroup(of: (Int, T).self) { group in
            for start in stride(from: 0, to: count, by: size) {
                let chunk = Array(self[start..<Swift.min(start + size, count)])
                group.addTask { (start, transform(chunk)) }
            }
            var results: [(Int, T)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}
