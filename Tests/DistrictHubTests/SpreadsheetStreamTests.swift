import Foundation
import OfficeDocuments
import Testing

/// The streamed workbook behind the audit's .xlsx: a ZIP written front to back with data
/// descriptors, its sheet deflated in pieces on several cores, continued on a new sheet at the
/// row limit, repeated text in shared strings. Python's `zipfile` checks every entry's CRC and
/// sizes, and reads the sheets back; LibreOffice Calc reads it as a clerk's machine would.
@Suite("Streamed workbook")
struct SpreadsheetStreamTests {
    /// The last column: kept spacing, a character XML cannot hold (dropped), an empty cell.
    static let tails = [" lề trái", "dòng 1\ndòng 2", "Ế\u{FFFE}x", ""]

    /// Row `n`'s cells. Columns 2 to 4 share their text: escaped, formula-like, with kept
    /// spacing, dropped characters and empty cells among it. The last repeats the one before.
    static func cells(_ n: Int) -> [String] {
        ["Dòng \(n)", String(n), "a & b <c>", n % 7 == 0 ? "=1+1" : "007", tails[n % 4], tails[n % 4]]
    }

    /// Row `n` as the audit's export writes its rows: the first and the last cell in pieces
    /// (the last cut in two, its spacing known only at its end), the others whole.
    struct Rows: RowWriter {
        func write<Cells: CellWriter>(_ n: Int, into cells: inout Cells) {
            let texts = SpreadsheetStreamTests.cells(n)
            cells.beginText()
            cells.piece("Dòng ")
            cells.piece(decimal: Int64(n))
            cells.endText()
            for text in texts[1...4] { cells.cell(text) }
            let tail = texts[5]
            cells.beginText()
            cells.piece(String(tail.prefix(tail.count / 2)))
            cells.piece(String(tail.dropFirst(tail.count / 2)))
            cells.endText()
        }
    }

    /// Rows given as their cells' text, each written whole.
    struct TextRows: RowWriter {
        func write<Cells: CellWriter>(_ texts: [String], into cells: inout Cells) {
            for text in texts { cells.cell(text) }
        }
    }

    static func workbook(rowsPerSheet: Int = 1_000) -> SpreadsheetStream {
        SpreadsheetStream(title: "Nhật ký", creator: "tests", sheet: "Nhật ký",
                          header: ["Nội dung", "Số", "Ghi chú", "Mã", "Cuối", "Cuối, từng phần"],
                          created: Date(timeIntervalSince1970: 1_796_304_885), sharedColumns: [2, 3, 4], rowsPerSheet: rowsPerSheet)
    }

    @Test("rows come back in order across pieces and sheets, every CRC holds, the filters span each sheet")
    func rowsAcrossSheets() async throws {
        let count = 2_345
        var workbook = Self.workbook()
        var bytes: [UInt8] = []
        // Batches of uneven sizes, one of them crossing a sheet's end.
        var next = 0
        for size in [1, 600, 700, 1_044] {
            let start = next
            try await workbook.append(Array(start..<start + size), as: Rows())
            bytes += workbook.takeOutput().joined()
            next += size
        }
        try workbook.finish()
        bytes += workbook.takeOutput().joined()
        #expect(next == count)

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(bytes).write(to: file)
        let report = try python("""
            import re, sys, zipfile, xml.etree.ElementTree as ET
            ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
            with zipfile.ZipFile(sys.argv[1]) as z:
                assert z.testzip() is None
                assert all(info.flag_bits & 8 for info in z.infolist())
                shared = [si.find("m:t", ns) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
                assert len(set(t.text for t in shared)) == len(shared) == 6, [t.text for t in shared]
                def text(cell):
                    assert cell.get("t") in ("s", "inlineStr", None), cell.get("t")
                    return shared[int(cell.find("m:v", ns).text)] if cell.get("t") == "s" else cell.find(".//m:t", ns)
                names = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
                seen = []
                for name in names:
                    sheet = ET.fromstring(z.read(name))
                    rows = sheet.findall(".//m:row", ns)
                    assert [int(r.get("r")) for r in rows] == list(range(1, len(rows) + 1)), name
                    for row in rows[1:]:
                        cells = row.findall("m:c", ns)
                        first = cells[0].find(".//m:t", ns).text
                        number = cells[1].find("m:v", ns).text
                        assert first == "Dòng " + number, (first, number)
                        assert [cell.get("t") for cell in cells[2:4]] == ["s", "s"]
                        assert text(cells[2]).text == "a & b <c>"
                        assert text(cells[3]).text == ("=1+1" if int(number) % 7 == 0 else "007")
                        expected = [" lề trái", "dòng 1\\ndòng 2", "Ếx", None][int(number) % 4]
                        for tail in (text(cells[4]), cells[5].find(".//m:t", ns)):
                            assert (tail.text if tail is not None else None) == expected, (number, tail)
                            if int(number) % 4 < 2:
                                assert tail.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
                            elif int(number) % 4 == 2:
                                assert tail.get("{http://www.w3.org/XML/1998/namespace}space") is None
                        assert cells[5].get("t") == ("inlineStr" if expected else None), cells[5].attrib
                        seen.append(int(number))
                    assert sheet.find("m:autoFilter", ns).get("ref") == "A1:F%d" % len(rows), name
                workbook = z.read("xl/workbook.xml").decode()
                types = z.read("[Content_Types].xml").decode()
                relationships = z.read("xl/_rels/workbook.xml.rels").decode()
            print(len(names), seen == list(range(\(count))), re.findall(r'sheet name="([^"]+)"', workbook),
                  types.count("worksheet+xml"), re.findall(r"\\$A\\$1:\\$F\\$(\\d+)", workbook),
                  "sharedStrings+xml" in types, 'Target="sharedStrings.xml"' in relationships)
            """, file.path)
        #expect(report == "3 True ['Nhật ký', 'Nhật ký (2)', 'Nhật ký (3)'] 3 ['1001', '1001', '346'] True True")
    }

    @Test("LibreOffice Calc reads a streamed workbook's shared and inline text as the rows written")
    func throughLibreOffice() async throws {
        var workbook = Self.workbook()
        try await workbook.append(Array(0..<30), as: Rows())
        try workbook.finish()
        let directory = try Office.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let xlsx = directory.appendingPathComponent("nhat-ky.xlsx")
        try Data(workbook.takeOutput().joined()).write(to: xlsx)
        let csv = try await Office.convert(xlsx, to: "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false")
        let lines = try String(contentsOf: csv, encoding: .utf8).components(separatedBy: "\n").filter { !$0.isEmpty }
        // Calc writes the formula-like text as it is, and quotes what holds a comma, a quote or a line break.
        func line(_ cells: [String]) -> String {
            cells.map { $0.contains { ",\"\n".contains($0) } ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
                .joined(separator: ",")
        }
        let expected = ["Nội dung,Số,Ghi chú,Mã,Cuối,\"Cuối, từng phần\""] + (0..<30).map { n in
            line(Self.cells(n).map { $0.replacingOccurrences(of: "\u{FFFE}", with: "") })
        }
        #expect(lines == expected.joined(separator: "\n").components(separatedBy: "\n"), "\(lines.prefix(6))")
    }

    @Test("once the shared strings are full, new text stays in its cell and still reads back")
    func fullTable() async throws {
        let count = 66_000
        var workbook = SpreadsheetStream(title: "Nhật ký", creator: "tests", sheet: "Nhật ký", header: ["Mã"], created: Date(),
                                         sharedColumns: [0])
        try await workbook.append((0..<count).map { ["mã \($0)"] }, as: TextRows())
        try workbook.finish()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(workbook.takeOutput().joined()).write(to: file)
        let report = try python("""
            import sys, zipfile, xml.etree.ElementTree as ET
            ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
            with zipfile.ZipFile(sys.argv[1]) as z:
                shared = [si.find("m:t", ns).text for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
                rows = ET.fromstring(z.read("xl/worksheets/sheet1.xml")).findall(".//m:row", ns)[1:]
            texts, inline = [], 0
            for row in rows:
                cell = row.find("m:c", ns)
                if cell.get("t") == "s":
                    texts.append(shared[int(cell.find("m:v", ns).text)])
                else:
                    inline += 1
                    texts.append(cell.find(".//m:t", ns).text)
            print(len(shared), inline, texts == ["mã %d" % n for n in range(\(count))])
            """, file.path)
        #expect(report == "65536 464 True")
    }

    @Test("rows longer than the room kept for them (a kilobyte a row) come back whole")
    func longRows() async throws {
        // Three rows of 20,000 characters and more, written in pieces and whole, a break among them.
        let long = (0..<3).map { n in String(repeating: "Ghi chú dài \(n) & tiếp; ", count: 800) + "\nhết" }
        var workbook = SpreadsheetStream(title: "Nhật ký", creator: "tests", sheet: "Nhật ký", header: ["Nội dung"], created: Date())
        try await workbook.append(long.map { [$0] }, as: TextRows())
        try workbook.finish()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(workbook.takeOutput().joined()).write(to: file)
        let written = file.appendingPathExtension("json")
        defer { try? FileManager.default.removeItem(at: written) }
        try JSONEncoder().encode(long).write(to: written)
        let report = try python("""
            import json, sys, zipfile, xml.etree.ElementTree as ET
            ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
            with zipfile.ZipFile(sys.argv[1]) as z:
                rows = ET.fromstring(z.read("xl/worksheets/sheet1.xml")).findall(".//m:row", ns)[1:]
            print([row.find(".//m:t", ns).text == text for row, text in zip(rows, json.load(open(sys.argv[2])))], len(rows))
            """, file.path, written.path)
        #expect(report == "[True, True, True] 3")
    }

    @Test("an export with no rows is still a workbook: the header alone")
    func empty() async throws {
        var workbook = SpreadsheetStream(title: "Nhật ký", creator: "tests", sheet: "Nhật ký", header: ["Nội dung"], created: Date(),
                                         sharedColumns: [0])
        try workbook.finish()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(workbook.takeOutput().joined()).write(to: file)
        let report = try python("""
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                assert z.testzip() is None
                sheet = z.read("xl/worksheets/sheet1.xml").decode()
                names = z.namelist()
            print(sheet.count("<row "), "Nội dung" in sheet, "xl/sharedStrings.xml" in names)
            """, file.path)
        // No text was shared, so the workbook has no shared strings part.
        #expect(report == "1 True False")
    }
}
