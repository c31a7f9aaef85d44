import Foundation
import OfficeDocuments

/// The report as a .docx laid out per Decree 30/2020/NĐ-CP, Appendix I: A4; Times New Roman;
/// the issuing body and the national motto side by side, each over a short rule; the number
/// under the body's name and the place and date under the motto; the title; the body justified
/// with its first lines indented; "Nơi nhận" lower left and the signature lower right; page
/// numbers from the second page.
extension PeriodicReport {
    func word() -> WordDocument {
        typealias P = WordDocument.Paragraph
        typealias Run = WordDocument.Run
        var document = WordDocument(title: "Báo cáo \(subject)", creator: heading.office)
        let width = document.page.textWidthMM

        func centred(_ runs: [Run], before: Double = 0, after: Double = 0) -> P {
            P(runs, alignment: .center, spaceBeforePt: before, spaceAfterPt: after)
        }

        // The top: issuing body | national motto, with no borders.
        let left = 68.0, right = width - left
        document.blocks.append(.table(WordDocument.Table(columnsMM: [left, right], rows: [[
            WordDocument.Cell([
                centred([Run(heading.superior, size: 13)]),
                centred([Run(heading.office.uppercased(with: Locale(identifier: "vi")), bold: true, size: 13)]),
                WordDocument.rule(lengthMM: 25, in: left),
                centred([Run(heading.numberLine, size: 13)], before: 6),
            ]),
            WordDocument.Cell([
                centred([Run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold: true, size: 12)]),
                centred([Run("Độc lập - Tự do - Hạnh phúc", bold: true, size: 13)]),
                WordDocument.rule(lengthMM: 60, in: right),
                centred([Run(heading.dateLine(issued), italic: true, size: 14)], before: 6),
            ]),
        ]], borders: false)))

        document.blocks.append(.paragraph(centred([Run("BÁO CÁO", bold: true)], before: 24)))
        document.blocks.append(.paragraph(centred([Run(subject, bold: true)])))
        document.blocks.append(.paragraph(WordDocument.rule(lengthMM: 45, in: width)))
        document.blocks.append(.paragraph(P([], spaceAfterPt: 12)))

        for block in body {
            switch block {
            case .heading(let text):
                var paragraph = P([Run(text, bold: true)], firstLineIndentMM: 12.7, spaceBeforePt: 6, spaceAfterPt: 6)
                paragraph.keepWithNext = true
                document.blocks.append(.paragraph(paragraph))
            case .text(let text):
                document.blocks.append(.paragraph(P([Run(text)], firstLineIndentMM: 12.7, spaceAfterPt: 6)))
            case .table(let table):
                document.blocks.append(.table(Self.word(table)))
                document.blocks.append(.paragraph(P([], spaceAfterPt: 6)))
            }
        }

        // "Nơi nhận" | the signature.
        let recipients = [P([Run("Nơi nhận:", bold: true, italic: true, size: 12)], alignment: .left)]
            + heading.recipients.enumerated().map { index, line in
                let last = index == heading.recipients.count - 1
                return P([Run("- \(line)\(last ? (line.hasSuffix(".") ? "" : ".") : ";")", size: 11)], alignment: .left)
            }
        var signature = heading.signerTitle.split(separator: "\n").map { centred([Run(String($0), bold: true)]) }
        signature.append(centred([Run(heading.signer ?? " ", bold: true)], before: 72))
        document.blocks.append(.table(WordDocument.Table(columnsMM: [width / 2, width / 2], rows: [[
            WordDocument.Cell(recipients), WordDocument.Cell(signature),
        ]], borders: false)))
        return document
    }

    /// A body table: bold centred headings repeated on each page, 12-point cells.
    private static func word(_ table: ReportTable) -> WordDocument.Table {
        let header = table.columns.map { column in
            WordDocument.Cell([WordDocument.Paragraph([WordDocument.Run(column.title, bold: true, size: 12)], alignment: .center)])
        }
        let rows = table.rows.map { row in
            row.enumerated().map { index, text in
                let numeric = index < table.columns.count && table.columns[index].numeric
                return WordDocument.Cell([WordDocument.Paragraph([WordDocument.Run(text, size: 12)], alignment: numeric ? .center : .left)])
            }
        }
        return WordDocument.Table(columnsMM: table.columns.map(\.widthMM), rows: [header] + rows, headerRows: 1)
    }
}
