import Foundation
import SyncCore
import Testing

@Suite("Domain rules")
struct DomainValidationTests {
    let today = CalendarDay("2026-11-29")!

    @Test("a progress report becomes its field writes, NFC, done meaning 100 %")
    func progressWrites() throws {
        let decomposed = "Đã ban hành quyết định".decomposedStringWithCanonicalMapping
        #expect(decomposed.unicodeScalars.count != decomposed.nfc.unicodeScalars.count)
        let writes = try ProgressReport(task: "4.1", status: .done, note: decomposed, evidence: " Quyết định số 45/QĐ-UBND ",
                                        by: "Nguyễn Văn A").writes(commune: "long-dong", current: [:])
        let byField = Dictionary(uniqueKeysWithValues: writes.map { ($0.field, $0.value) })
        #expect(byField["status"] == .text("done"))
        #expect(byField["percent"] == .int(100))
        #expect(byField["note"] == .text("Đã ban hành quyết định".nfc))
        #expect(byField["note"]?.text?.isNFC == true)
        #expect(byField["evidence"] == .text("Quyết định số 45/QĐ-UBND"))
        #expect(writes.allSatisfy { $0.record == "long-dong/4.1" && $0.collection == "progress" })
    }

    @Test("a report is written whole: fields not given carry the current values, or null")
    func progressCarriesForward() throws {
        let current: [String: FieldValue] = ["status": .text("in_progress"), "percent": .int(40), "note": .text("Đang làm"), "by": .text("B")]
        let writes = try ProgressReport(task: "4.1", status: .blocked, by: "A").writes(commune: "long-dong", current: current)
        let byField = Dictionary(uniqueKeysWithValues: writes.map { ($0.field, $0.value) })
        #expect(byField == ["status": .text("blocked"), "percent": .int(40), "note": .text("Đang làm"), "evidence": .null, "by": .text("A")])
    }

    @Test("bad progress input is refused with a Vietnamese message", arguments: [
        (ProgressReport(task: "4.1", status: .inProgress, percent: 101, by: "A"), SyncError.Code.invalidValue),
        (ProgressReport(task: "4.1", status: .inProgress, percent: -1, by: "A"), .invalidValue),
        (ProgressReport(task: "4.1", status: .done, percent: 50, by: "A"), .invalidValue),
        (ProgressReport(task: "4.1", status: .done, by: "  "), .invalidInput),
        (ProgressReport(task: "bad/id", status: .done, by: "A"), .invalidInput),
        (ProgressReport(task: "4.1", status: .done, note: "Đã xong\u{0}phần còn lại bị cắt", by: "A"), .invalidValue),
        (ProgressReport(task: "4.1", status: .done, note: "chuông\u{7}", by: "A"), .invalidValue),
        (ProgressReport(task: "4.1", status: .done, by: "Kẻ\u{0}lạ"), .invalidValue),
    ])
    func progressRefusals(report: ProgressReport, code: SyncError.Code) {
        #expect(throws: SyncError.self) { try report.writes(commune: "long-dong", current: [:]) }
        do {
            _ = try report.writes(commune: "long-dong", current: [:])
        } catch let error as SyncError {
            #expect(error.code == code)
            #expect(!error.message.isEmpty)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("control characters are found; tabs and line breaks are text")
    func controlCharacters() throws {
        #expect("a\u{0}b".hasControlCharacters && "\u{1B}[31m".hasControlCharacters && "x\u{7F}".hasControlCharacters)
        #expect(!"Dòng một\nDòng hai\r\n\tthụt lề".hasControlCharacters)
        // C1 controls too (NEL, CSI), but not the letters beside them in UTF-8 (U+00A0–U+00FF).
        #expect("a\u{85}b".hasControlCharacters && "\u{9B}31m".hasControlCharacters)
        #expect(!"Â à é ý ÿ\u{A0}".hasControlCharacters)
        let writes = try ProgressReport(task: "4.1", status: .done, note: "Dòng một\nDòng hai", by: "A").writes(commune: "long-dong", current: [:])
        #expect(writes.contains { $0.value == .text("Dòng một\nDòng hai") })
    }

    @Test("NFC is recognised on the fast path and off it")
    func nfcCheck() {
        #expect("Quyết định số 45/QĐ-UBND ngày 18/4/2023".isNFC)
        #expect(!"Quyết định".decomposedStringWithCanonicalMapping.isNFC)
        #expect(!"e\u{301}".isNFC)
        #expect("\u{1EA1}\u{302}".isNFC == false)  // ạ then a combining circumflex composes to ậ
        #expect("Hà Nội — 한국".isNFC)
        #expect(!"\u{1100}\u{1161}".isNFC)  // Hangul jamo compose
    }

    @Test("statuses, kinds and states parse only from their names")
    func vocabulary() throws {
        #expect(try ProgressReport.status(from: "in_progress") == .inProgress)
        #expect(throws: SyncError.self) { try ProgressReport.status(from: "finished") }
        #expect(try EquipmentCheck.kind(from: "scanner") == .scanner)
        #expect(throws: SyncError.self) { try EquipmentCheck.kind(from: "fax") }
        #expect(try EquipmentCheck.state(from: "down") == .down)
        #expect(throws: SyncError.self) { try EquipmentCheck.state(from: "slow") }
    }

    @Test("an equipment check is checked against the record's current values")
    func equipmentAgainstCurrent() throws {
        let current: [String: FieldValue] = ["total": .int(5), "working": .int(3)]
        let raise = EquipmentCheck(kind: .computer, working: 6, by: "A")
        #expect(throws: SyncError.self) { try raise.writes(commune: "long-dong", current: current, today: today) }
        let fine = try EquipmentCheck(kind: .computer, working: 5, needed: 2, cost: 30_000_000, by: "A")
            .writes(commune: "long-dong", current: current, today: today)
        let fields = Dictionary(uniqueKeysWithValues: fine.map { ($0.field, $0.value) })
        #expect(fields["working"] == .int(5))
        #expect(fields["cost"] == .int(30_000_000))
        #expect(fields["checked_on"] == .text("2026-11-29"))
        #expect(fields["total"] == .int(5))  // carried over: a check is written whole
        #expect(fields["broken"] == .null)
        #expect(fields["state"] == nil)
    }

    @Test("bad equipment input is refused", arguments: [
        EquipmentCheck(kind: .printer, total: -1, by: "A"),
        EquipmentCheck(kind: .printer, total: 2, working: 3, by: "A"),
        EquipmentCheck(kind: .printer, total: 2, working: 1, broken: 2, by: "A"),
        EquipmentCheck(kind: .printer, state: .ok, by: "A"),
        EquipmentCheck(kind: .internet, total: 1, by: "A"),
        EquipmentCheck(kind: .internet, mbps: -3, by: "A"),
        EquipmentCheck(kind: .scanner, by: "A"),
        EquipmentCheck(kind: .scanner, total: 1, by: ""),
        EquipmentCheck(kind: .computer, cost: -5, by: "A"),
    ])
    func equipmentRefusals(check: EquipmentCheck) {
        #expect(throws: SyncError.self) { try check.writes(commune: "long-dong", current: [:], today: today) }
    }

    @Test("the schema refuses values of the wrong shape")
    func schema() throws {
        try Schema.validate(.int(100), field: "percent", in: .progress)
        #expect(throws: SyncError.self) { try Schema.validate(.int(101), field: "percent", in: .progress) }
        #expect(throws: SyncError.self) { try Schema.validate(.text("x"), field: "percent", in: .progress) }
        #expect(throws: SyncError.self) { try Schema.validate(.text("e\u{0301}"), field: "note", in: .progress) }
        #expect(throws: SyncError.self) { try Schema.validate(.text("2023-02-30"), field: "deadline", in: .tasks) }
        #expect(throws: SyncError.self) { try Schema.validate(.text("[\"Bad Code\"]"), field: "communes", in: .tasks) }
        #expect(throws: SyncError.self) { try Schema.validate(.int(1), field: "colour", in: .equipment) }
        try Schema.validate(.text("[\"long-dong\"]"), field: "communes", in: .tasks)
        try Schema.validateRecord("long-dong/internet", in: .equipment)
        #expect(throws: SyncError.self) { try Schema.validateRecord("long-dong/fax", in: .equipment) }
        #expect(throws: SyncError.self) { try Schema.validateRecord("long-dong/4.1/x", in: .progress) }
    }

    @Test("Vietnamese formats: money with dots and đ, dates as dd/MM/yyyy, days between dates")
    func formats() {
        #expect(VietnameseFormat.money(1_234_000) == "1.234.000 đ")
        #expect(VietnameseFormat.number(999) == "999")
        #expect(VietnameseFormat.number(-1_000) == "-1.000")
        #expect(CalendarDay("2023-04-19")?.vietnamese == "19/04/2023")
        #expect(CalendarDay("2024-02-29") != nil)
        #expect(CalendarDay("2023-02-29") == nil)
        #expect(CalendarDay("2023-04-19")!.days(until: CalendarDay("2023-05-01")!) == 12)
        // 2026-01-01T00:00Z is already 07:00 on 1 January in Vietnam; 23:30Z on 31 Dec is 06:30 the next day.
        #expect(CalendarDay(millis: 1_767_223_800_000).description == "2026-01-01")
    }

    @Test("the shipped data files load and hold the notice's tasks and the district's communes")
    func shippedCatalogs() throws {
        let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config")
        let tasks = try TaskCatalog.load(path: config.appendingPathComponent("tasks.json").path)
        let communeTasks = tasks.tasks.filter { $0.communes == .everyCommune }
        #expect(communeTasks.map(\.id) == ["4.1", "4.2", "4.3", "4.4", "4.5"])
        #expect(communeTasks.first { $0.id == "4.1" }?.deadline == "2023-04-19")
        #expect(communeTasks.first { $0.id == "4.3" }?.deadline == "2023-04-30")
        for entry in tasks.tasks { _ = try entry.writes() }
        let communes = try CommuneCatalog.load(path: config.appendingPathComponent("communes.json").path)
        #expect(communes.communes.count >= 15)
        #expect(communes.communes.allSatisfy { $0.name.isNFC })
        _ = try communes.writes()
    }

    @Test("a task is late once its deadline has passed, unless the commune is done; the day itself is not late")
    func lateRule() throws {
        let deadline = try #require(Deadline("2023-04-19"))
        let onTheDay = try #require(CalendarDay("2023-04-19")), dayAfter = try #require(CalendarDay("2023-04-20"))
        #expect(deadline.daysLeft(from: onTheDay) == 0)
        #expect(deadline.daysLeft(from: dayAfter) == -1)
        #expect(!deadline.isLate(.inProgress, today: onTheDay))
        #expect(deadline.isLate(.inProgress, today: dayAfter))
        #expect(deadline.isLate(.notStarted, today: dayAfter))
        #expect(!deadline.isLate(.done, today: dayAfter))
        #expect(Deadline(nil) == nil)
        #expect(Deadline("19/04/2023") == nil)
    }

    @Test("the clock warning starts past a minute either way")
    func clockWarningThreshold() {
        #expect(!ClockWarning.applies(toOffset: 60_000))
        #expect(!ClockWarning.applies(toOffset: -60_000))
        #expect(ClockWarning.applies(toOffset: 60_001))
        #expect(ClockWarning.applies(toOffset: -3_600_000))
    }

    @Test("every audit outcome and review decision has its Vietnamese label and round-trips its stored word")
    func labelledWords() throws {
        for outcome in AuditOutcome.allCases {
            #expect(AuditOutcome(rawValue: outcome.rawValue) == outcome)
            #expect(!outcome.label.isEmpty && outcome.label.isNFC)
        }
        #expect(AuditOutcome.lost.label == "Bị ghi đè (thua xung đột)")
        #expect(AuditOutcome.allCases.filter(\.showsValueKept) == [.lost, .rejected])
        #expect(ReviewDecision.allCases.map(\.rawValue) == ["accepted", "returned"])
        #expect(ReviewDecision.returned.communeLabel == "Huyện trả lại")
        try Schema.validate(.text("returned"), field: "review", in: .progress)
        #expect(throws: SyncError.self) { try Schema.validate(.text("maybe"), field: "review", in: .progress) }
    }
}
