import Foundation
import SyncCore
import TestSupport
import Testing

@testable import district_hub

@Suite("Periodic report")
struct PeriodicReportTests {
    @Test("periods parse as operators write them, with their first and last days and their Vietnamese names")
    func periods() throws {
        let cases: [(String, String, String, String)] = [
            ("2026", "2026-01-01", "2026-12-31", "năm 2026"),
            ("2026-h2", "2026-07-01", "2026-12-31", "6 tháng cuối năm 2026"),
            ("2026-H1", "2026-01-01", "2026-06-30", "6 tháng đầu năm 2026"),
            ("2024-Q1", "2024-01-01", "2024-03-31", "quý I năm 2024"),
            ("2026-Q4", "2026-10-01", "2026-12-31", "quý IV năm 2026"),
            ("2024-02", "2024-02-01", "2024-02-29", "tháng 2 năm 2024"),
        ]
        for (text, first, last, label) in cases {
            let period = try #require(ReportPeriod(text), "\(text)")
            #expect(period.first.description == first && period.last.description == last && period.label == label, "\(text)")
            #expect(ReportPeriod(period.description) == period)
        }
        for bad in ["2026-Q5", "2026-Q0", "2026-13", "2026-00", "26-Q1", "2026-Q4-1", "abcd", "2026-M1", "2026-", "", "1999"] {
            #expect(ReportPeriod(bad) == nil, "\(bad)")
        }
        #expect(ReportPeriod.quarter(of: CalendarDay("2026-08-15")!).description == "2026-Q3")
    }

    @Test("the date line gives days below 10 and months below 3 a leading zero (Decree 30/2020)")
    func dateLine() {
        var heading = ReportHeading.unconfigured
        heading.place = "Bắc Sơn"
        #expect(heading.dateLine(CalendarDay("2026-02-05")!) == "Bắc Sơn, ngày 05 tháng 02 năm 2026")
        #expect(heading.dateLine(CalendarDay("2026-03-09")!) == "Bắc Sơn, ngày 09 tháng 3 năm 2026")
        #expect(heading.dateLine(CalendarDay("2026-11-23")!) == "Bắc Sơn, ngày 23 tháng 11 năm 2026")
        heading.district = "Bắc Sơn"
        #expect(heading.superior == "UBND HUYỆN BẮC SƠN")
        #expect(heading.numberLine.hasPrefix("Số: ") && heading.numberLine.hasSuffix("/BC-PNV"))
        heading.number = "12"
        #expect(heading.numberLine == "Số: 12/BC-PNV")
    }

    @Test("a closed period's figures are those recorded by its end, offline ones included; what is recorded later changes the next report, not that one")
    func figuresAsOfTheEnd() async throws {
        try await ReportFixture.with { fixture in
            let q3 = try await fixture.report("2026-Q3", today: "2026-12-03")
            #expect(q3.asOf.description == "2026-09-30")
            let plan = try #require(q3.tasks.first { $0.task.id == "4.1-2026" })
            // Long Đống had finished by the end of September; Bắc Quỳnh was still working, and
            // the deadline (15 September) had passed.
            #expect((plan.counts.assigned, plan.counts.done, plan.counts.inProgress, plan.counts.late) == (2, 1, 1, 1))
            #expect(q3.late.map(\.task.id) == ["4.1-2026"] && q3.late[0].units == ["Xã Bắc Quỳnh"])
            // Long Đống's check recorded offline before the end of September counts; October's do not.
            #expect(q3.proposals.isEmpty && q3.budget == 20_000_000)
            #expect(q3.offices.map { "\($0.office): \($0.status.rawValue)" } == ["Phòng Văn hóa và Thông tin: in_progress"])

            let q4 = try await fixture.report("2026-Q4", today: "2026-12-03")
            #expect(q4.asOf.description == "2026-12-03")
            let now = try #require(q4.tasks.first { $0.task.id == "4.1-2026" })
            #expect((now.counts.done, now.counts.late) == (2, 0) && q4.late.isEmpty)
            #expect(q4.proposals.map(\.proposal.text) == ["Đề nghị hỗ trợ máy quét"] && q4.proposals[0].communeName == "Xã Bắc Quỳnh")
            #expect(q4.budget == 28_500_000)
            #expect(q4.communes.map(\.name) == ["Xã Bắc Quỳnh", "Xã Long Đống"])
            // The 2025 plan's task is not this year's report's.
            #expect(!q4.tasks.contains { $0.task.id == "4.1" })
        }
    }

    @Test("the .docx opens in LibreOffice as an A4 report with the motto, the title, the figures and the signature")
    func wordThroughLibreOffice() async throws {
        try await ReportFixture.with { fixture in
            var report = try await fixture.report("2026-Q4", today: "2026-12-03")
            report.heading.signer = "Nguyễn Văn Hùng"
            let directory = try Office.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let docx = directory.appendingPathComponent("bao-cao.docx")
            try report.word().data(created: Date()).write(to: docx)
            let pdf = try await Office.convert(docx, to: "pdf")
            let info = try Office.run("pdfinfo", pdf.path)
            #expect(info.contains("(A4)"), "\(info)")
            let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "") ?? 0
            #expect((1...4).contains(pages), "\(pages) pages")
            let text = try Office.run("pdftotext", pdf.path, "-").precomposedStringWithCanonicalMapping
            let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            for expected in ["UBND HUYỆN BẮC SƠN", "PHÒNG NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                             "Bắc Sơn, ngày 03 tháng 12 năm 2026", "BÁO CÁO", "/BC-PNV",
                             "Kết quả thực hiện nhiệm vụ cải cách hành chính quý IV năm 2026", "Xã Bắc Quỳnh", "Xã Long Đống",
                             "28.500.000", "Đề nghị hỗ trợ máy quét", "Nơi nhận:", "TRƯỞNG PHÒNG", "Nguyễn Văn Hùng"] {
                #expect(flat.contains(expected), "\(expected)")
            }
            let fonts = try Office.run("pdffonts", pdf.path)
            #expect(!fonts.contains("DejaVu"), "a font other than Times New Roman's stand-in: \(fonts)")

            let html = report.htmlDocument(styles: .inline).markup
            for expected in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "quý IV năm 2026", "Xã Bắc Quỳnh", "Nơi nhận:", "@page { size: A4",
                             "4.1. Rà soát quyết định thành lập Ban chỉ đạo"] {
                #expect(html.contains(expected), "\(expected)")
            }
            // Tasks keep the notice's numbers: the plan's year their ids carry is the report's.
            #expect(!html.contains("4.1-2026"))
        }
    }

    @Test("an .xlsx export reads back in LibreOffice Calc as the CSV's rows, numbers as numbers")
    func workbookThroughLibreOffice() async throws {
        let rows = [["Mã xã", "Tên xã", "Tỷ lệ (%)", "Ghi chú"],
                    ["long-dong", "Xã Long Đống", "50", "=1+1 <b>&amp;</b> \u{1}"],
                    ["bac-quynh", "Xã Bắc Quỳnh", "007", "4.1"]]
        let directory = try Office.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let xlsx = directory.appendingPathComponent("tong-hop.xlsx")
        try Export.workbook(rows, sheet: "Tổng hợp").write(to: xlsx)
        let csv = try await Office.convert(xlsx, to: "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false")
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == ["Mã xã,Tên xã,Tỷ lệ (%),Ghi chú",
                          "long-dong,Xã Long Đống,50,=1+1 <b>&amp;</b> ",
                          "bac-quynh,Xã Bắc Quỳnh,007,4.1"], "\(lines)")
    }
}

/// A hub store with a 2026 plan (and one 2025 task), two communes and an office, written at
/// chosen instants of a manual clock so the audit knows when each change arrived.
struct ReportFixture {
    let store: HubStore

    static func with(_ body: @escaping @Sendable (ReportFixture) async throws -> Void) async throws {
        let directory = try Office.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ManualClock(millis: CalendarDay("2026-09-01")!.startMillis)
        let store = try HubStore(path: directory.appendingPathComponent("hub.sqlite").path, clock: HybridLogicalClock(physical: clock.physical))
        func task(_ id: String, _ fields: [String: FieldValue]) -> [FieldWrite] {
            fields.map { FieldWrite(collection: "tasks", record: id, field: $0.key, value: $0.value) }
        }
        try await store.recordDistrict([
            FieldWrite(collection: "communes", record: "long-dong", field: "name", value: .text("Xã Long Đống")),
            FieldWrite(collection: "communes", record: "bac-quynh", field: "name", value: .text("Xã Bắc Quỳnh")),
        ] + task("4.1-2026", ["communes": .text("*"), "title": .text("Rà soát quyết định thành lập Ban chỉ đạo"),
                              "deadline": .text("2026-09-15"), "plan": .int(2026)])
          + task("5.2-2026", ["communes": .text("[]"), "offices": .text(#"["Phòng Văn hóa và Thông tin"]"#),
                              "title": .text("Tuyên truyền cải cách hành chính"), "deadline": .text("2026-12-31"), "plan": .int(2026)])
          + task("4.1", ["communes": .text("*"), "title": .text("Rà soát năm trước"), "deadline": .text("2025-04-19"), "plan": .int(2025)]),
            actor: "test")
        let long = try await store.enroll(commune: "long-dong", name: nil, label: nil)
        let bac = try await store.enroll(commune: "bac-quynh", name: nil, label: nil)
        var seqs: [String: Int64] = [:]
        /// Changes recorded at `recorded` (by default now) that reach the hub now.
        func push(_ node: Enrollment, _ commune: String, recorded: Int64? = nil, _ changes: [(String, String, String, FieldValue)]) async throws {
            let changes = changes.map { change -> PushedChange in
                seqs[node.node, default: 0] += 1
                return PushedChange(seq: seqs[node.node]!, collection: change.0, record: change.1, field: change.2, value: change.3,
                                    hlc: HLC(wall: recorded ?? clock.physical.now()), actor: "Cán bộ \(commune)")
            }
            let result = try await store.exchange(SyncRequest(node: node.node, commune: commune, clock: 0, cursor: 0, changes: changes),
                                                  from: try await store.authenticate(token: node.token))
            #expect(result.rejected == 0, "\(result.response.rejected)")
        }
        // September: Long Đống finishes, Bắc Quỳnh is halfway; a computer check; the office reports.
        clock.set(CalendarDay("2026-09-10")!.startMillis)
        try await push(long, "long-dong", [("progress", "long-dong/4.1-2026", "status", .text("done"))])
        try await push(bac, "bac-quynh", [("progress", "bac-quynh/4.1-2026", "status", .text("in_progress")),
                                          ("equipment", "bac-quynh/computer", "cost", .int(15_000_000)),
                                          ("equipment", "bac-quynh/computer", "total", .int(4))])
        try await store.recordDistrict([
            FieldWrite(collection: "officeProgress", record: "\(OfficeKey.of("Phòng Văn hóa và Thông tin"))/5.2-2026", field: "status",
                       value: .text("in_progress")),
        ], actor: "Phòng Văn hóa và Thông tin")
        // Long Đống checks a computer offline on 28 September; the check reaches the hub on 2 October.
        clock.set(CalendarDay("2026-10-02")!.startMillis)
        try await push(long, "long-dong", recorded: CalendarDay("2026-09-28")!.startMillis,
                       [("equipment", "long-dong/computer", "cost", .int(5_000_000))])
        // October: Bắc Quỳnh finishes late, adds a scanner to its budget and sends a proposal.
        clock.set(CalendarDay("2026-10-20")!.startMillis)
        try await push(bac, "bac-quynh", [("progress", "bac-quynh/4.1-2026", "status", .text("done")),
                                          ("equipment", "bac-quynh/scanner", "cost", .int(8_500_000)),
                                          ("proposals", "bac-quynh/p0123456789ab", "topic", .text("Thiết bị")),
                                          ("proposals", "bac-quynh/p0123456789ab", "text", .text("Đề nghị hỗ trợ máy quét")),
                                          ("proposals", "bac-quynh/p0123456789ab", "by", .text("Hoàng Thị Bình")),
                                          ("proposals", "bac-quynh/p0123456789ab", "at", .text("2026-10-20T03:00:00Z"))])
        try await body(ReportFixture(store: store))
    }

    func report(_ period: String, today: String) async throws -> PeriodicReport {
        var heading = ReportHeading.unconfigured
        heading.district = "Bắc Sơn"
        heading.place = "Bắc Sơn"
        return try await PeriodicReport.make(store, period: ReportPeriod(period)!, heading: heading, today: CalendarDay(today)!)
    }
}

/// LibreOffice and poppler as a clerk's machine would open the files (`scripts/test` installs them).
enum Office {
    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Converts `file` beside itself with `soffice --headless --convert-to`, in a profile of its
    /// own so tests running at once do not share one.
    static func convert(_ file: URL, to format: String) async throws -> URL {
        let directory = file.deletingLastPathComponent()
        let profile = directory.appendingPathComponent("profile").absoluteString
        _ = try await runBlocking {
            try run("libreoffice", "-env:UserInstallation=\(profile)", "--headless", "--convert-to", format, "--outdir", directory.path, file.path)
        }
        let extensionName = String(format.prefix { $0 != ":" })
        let output = file.deletingPathExtension().appendingPathExtension(extensionName)
        guard FileManager.default.fileExists(atPath: output.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "LibreOffice wrote no \(output.lastPathComponent)"])
        }
        return output
    }

    /// Runs a tool and returns what it printed; a missing tool fails the test with what to install.
    @discardableResult
    static func run(_ tool: String, _ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey:
                "\(tool) exited \(process.terminationStatus): scripts/test installs libreoffice-writer-nogui, libreoffice-calc-nogui and poppler-utils"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
