import Foundation
import OfficeDocuments
import Testing

/// The streamed workbook behind the audit's .xlsx: a ZIP written front to back with data
/// descriptors, its sheet deflated in pieces on several cores, continued on a new sheet at the
/// row limit. Python's `zipfile` checks every entry's CRC and sizes, and reads the sheets back.
@Suite("Streamed workbook")
struct SpreadsheetStreamTests {
    @Test("rows come back in order across pieces and sheets, every CRC holds, the filters span each sheet")
    func rowsAcrossSheets() async throws {
        let count = 2_345
        // The last column: kept spacing, a character XML cannot hold (dropped), an empty cell.
        let tails = [" lề trái", "dòng 1\ndòng 2", "Ế\u{FFFE}x", ""]
        let cells: @Sendable (Int) -> [String] = { ["Dòng \($0)", String($0), "a & b <c>", $0 % 7 == 0 ? "=1+1" : "007", tails[$0 % 4]] }
        var workbook = SpreadsheetStream(title: "Nhật ký", creator: "tests", sheet: "Nhật ký", header: ["Nội dung", "Số", "Ghi chú", "Mã", "Cuối"],
                                         created: Date(timeIntervalSince1970: 1_796_304_885), rowsPerSheet: 1_000)
        var bytes: [UInt8] = []
        // Batches of uneven sizes, one of them crossing a sheet's end.
        var next = 0
        for size in [1, 600, 700, 1_044] {
            let start = next
            try await workbook.append(count: size) { range in range.map { cells(start + $0) } }
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
                        assert cells[2].find(".//m:t", ns).text == "a & b <c>"
                        tail = cells[4].find(".//m:t", ns)
                        expected = [" lề trái", "dòng 1\\ndòng 2", "Ếx", None][int(number) % 4]
                        assert (tail.text if tail is not None else None) == expected, (number, tail)
                        if int(number) % 4 < 2:
                            assert tail.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
                        elif int(number) % 4 == 2:
                            assert tail.get("{http://www.w3.org/XML/1998/namespace}space") is None
                        seen.append(int(number))
                    assert sheet.find("m:autoFilter", ns).get("ref") == "A1:E%d" % len(rows), name
                workbook = z.read("xl/workbook.xml").decode()
                types = z.read("[Content_Types].xml").decode()
            print(len(names), seen == list(range(\(count))), re.findall(r'sheet name="([^"]+)"', workbook),
                  types.count("worksheet+xml"), re.findall(r"\\$A\\$1:\\$E\\$(\\d+)", workbook))
            """, file.path)
        #expect(report == "3 True ['Nhật ký', 'Nhật ký (2)', 'Nhật ký (3)'] 3 ['1001', '1001', '346']")
    }

    @Test("an export with no rows is still a workbook: the header alone")
    func empty() async throws {
        var workbook = SpreadsheetStream(title: "Nhật ký", creator: "tests", sheet: "Nhật ký", header: ["Nội dung"], created: Date())
        try workbook.finish()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(workbook.takeOutput().joined()).write(to: file)
        let report = try python("""
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                assert z.testzip() is None
                sheet = z.read("xl/worksheets/sheet1.xml").decode()
            print(sheet.count("<row "), "Nội dung" in sheet)
            """, file.path)
        #expect(report == "1 True")
    }
}
