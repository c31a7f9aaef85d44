import Foundation
import Hummingbird
import OfficeDocuments
import SyncCore
import WebSupport

/// The dashboard's downloads: each table as CSV (UTF-8 with a BOM) and as an Excel workbook,
/// from the same rows, since district staff live in Excel.
enum ExportFormat: String, CaseIterable, Sendable {
    case csv, xlsx
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

enum Export {
    static func response(_ rows: [[String]], file: String, sheet: String, format: ExportFormat) throws -> Response {
        let (type, body): (String, ByteBuffer) = switch format {
        case .csv: ("text/csv; charset=utf-8", ByteBuffer(string: csv(rows)))
        case .xlsx: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ByteBuffer(data: try workbook(rows, sheet: sheet)))
        }
        return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(file)\""],
                        body: .init(byteBuffer: body))
    }

    /// An Excel workbook of one sheet: the header row bold and frozen, whole numbers as numbers.
    static func workbook(_ rows: [[String]], sheet: String) throws -> Data {
        try Spreadsheet(title: sheet, creator: "district-hub", sheets: [.init(name: sheet, exported: rows)]).data(created: Date())
    }

    /// A CSV document: BOM, header, rows, CRLF.
    static func csv(_ rows: [[String]]) -> String {
        "\u{FEFF}" + rows.map { $0.map(Overview.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// The links a page offers beside its table: CSV and Excel, with the page's filters.
    static func links(_ path: String, query: String = "") -> HTML {
        let suffix = query.isEmpty ? "" : "?" + query
        return "<a class=\"button secondary\" href=\"\(path).csv\(suffix)\">Tải CSV</a> <a class=\"button secondary\" href=\"\(path).xlsx\(suffix)\">Tải Excel</a>"
    }
}
