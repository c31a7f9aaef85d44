import Foundation
import WebSupport

/// The report as a printable page: the same blocks as the .docx, on A4 with the decree's
/// margins and fonts when printed. `district-hub report --format html` writes it with its
/// stylesheet inside (a file opened from disk); the dashboard links the stylesheet, since its
/// pages may load styles only from the hub itself.
extension PeriodicReport {
    enum Styles {
        case inline
        case linked(String)
    }

    func htmlDocument(styles: Styles) -> HTML {
        let style: HTML = switch styles {
        case .inline: "<style>\n\(HTML(unsafe: Self.css))</style>"
        case .linked(let path): "<link rel=\"stylesheet\" href=\"\(path)\">"
        }
        let recipients = heading.recipients.enumerated().map { index, line -> HTML in
            let last = index == heading.recipients.count - 1
            return "<li>- \(line)\(last ? (line.hasSuffix(".") ? "" : ".") : ";")</li>"
        }.joined()
        let title = heading.signerTitle.split(separator: "\n").map { "<strong>\(String($0))</strong>" as HTML }.joined(separator: "<br>")
        return """
            <!doctype html>
            <html lang="vi">
            <head>
            <meta charset="utf-8">
            <title>Báo cáo \(subject)</title>
            \(style)
            </head>
            <body>
            <article class="official">
            <table class="masthead"><tr>
            <td><div>\(heading.superior)</div><div class="office">\(heading.office.uppercased(with: Locale(identifier: "vi")))</div>
            <div class="number">\(heading.numberLine)</div></td>
            <td><div class="motto">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div><div class="motto-line">Độc lập - Tự do - Hạnh phúc</div>
            <div class="date">\(heading.dateLine(issued))</div></td>
            </tr></table>
            <h1>BÁO CÁO<span>\(subject)</span></h1>
            \(body.map(Self.html).joined(separator: "\n"))
            <table class="closing"><tr>
            <td><div class="recipients-title">Nơi nhận:</div><ul>\(recipients)</ul></td>
            <td class="signature">\(title)<div class="signer">\(heading.signer ?? "")</div></td>
            </tr></table>
            </article>
            </body>
            </html>
            """
    }

    private static func html(_ block: ReportBlock) -> HTML {
        switch block {
        case .heading(let text): return "<h2>\(text)</h2>"
        case .text(let text): return "<p>\(text)</p>"
        case .table(let table):
            let total = table.columns.reduce(0) { $0 + $1.widthMM }
            let columns = table.columns.map { "<col class=\"w\(Int(($0.widthMM * 100 / total).rounded()))\">" as HTML }.joined()
            let header = table.columns.map { "<th>\($0.title)</th>" as HTML }.joined()
            let rows = table.rows.map { row -> HTML in
                let cells = row.enumerated().map { index, text -> HTML in
                    index < table.columns.count && table.columns[index].numeric ? "<td class=\"num\">\(text)</td>" : "<td>\(text)</td>"
                }.joined()
                return "<tr>\(cells)</tr>"
            }.joined(separator: "\n")
            return "<table class=\"data\"><colgroup>\(columns)</colgroup><thead><tr>\(header)</tr></thead><tbody>\n\(rows)\n</tbody></table>"
        }
    }

    /// A4, margins 20/15/20/30 mm, Times New Roman 14 pt; on screen, a sheet of paper.
    static let css = """
        @page { size: A4; margin: 20mm 15mm 20mm 30mm; }
        body { margin: 0; background: #e9ecef; }
        .official { font: 14pt/1.3 "Times New Roman", "Liberation Serif", "Tinos", serif; color: #000; background: #fff;
                    width: 210mm; min-height: 297mm; margin: 1rem auto; padding: 20mm 15mm 20mm 30mm; box-sizing: border-box; }
        .official table.masthead, .official table.closing { width: 100%; border-collapse: collapse; }
        .official table.masthead td, .official table.closing td { vertical-align: top; padding: 0; border: 0; }
        .official table.masthead td { text-align: center; font-size: 13pt; }
        .official table.masthead td:first-child { width: 41%; }
        .official .office, .official .motto, .official .motto-line { font-weight: bold; }
        .official .motto { font-size: 12pt; }
        .official .office::after, .official .motto-line::after, .official h1 span::after {
            content: ""; display: block; margin: 3pt auto 0; border-bottom: 1px solid #000; }
        .official .office::after { width: 40%; }
        .official .motto-line::after { width: 62%; }
        .official .number { margin-top: 6pt; white-space: pre; }
        .official .date { margin-top: 6pt; font-style: italic; font-size: 14pt; }
        .official h1 { font-size: 14pt; text-align: center; margin: 24pt 0 18pt; }
        .official h1 span { display: block; }
        .official h1 span::after { width: 30%; }
        .official h2 { font-size: 14pt; margin: 6pt 0; text-indent: 12.7mm; page-break-after: avoid; }
        .official p { margin: 0 0 6pt; text-align: justify; text-indent: 12.7mm; }
        .official table.data { width: 100%; border-collapse: collapse; margin: 0 0 6pt; font-size: 12pt; }
        .official table.data th, .official table.data td { border: 1px solid #000; padding: 1pt 3pt; vertical-align: top; text-align: left; }
        .official table.data th { text-align: center; }
        .official table.data td.num { text-align: center; }
        .official table.data thead { display: table-header-group; }
        .official table.data tr { page-break-inside: avoid; }
        .official table.closing { margin-top: 12pt; page-break-inside: avoid; }
        .official table.closing td { width: 50%; }
        .official .recipients-title { font: italic bold 12pt "Times New Roman", "Liberation Serif", serif; }
        .official ul { list-style: none; margin: 0; padding: 0; font-size: 11pt; }
        .official .signature { text-align: center; }
        .official .signer { margin-top: 72pt; font-weight: bold; }
        \((5...70).map { ".official col.w\($0) { width: \($0)%; }" }.joined(separator: "\n"))
        @media print {
          body { background: #fff; }
          .official { width: auto; min-height: 0; margin: 0; padding: 0; }
          .screen-only { display: none; }
        }
        """
}
