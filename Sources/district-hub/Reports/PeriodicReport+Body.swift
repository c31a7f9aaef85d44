import SyncCore

/// The report's body as headings, paragraphs and tables, written once in the words of a
/// Vietnamese administrative report; the .docx and the printable page lay the same blocks out.
enum ReportBlock: Sendable {
    case heading(String)
    case text(String)
    case table(ReportTable)
}

struct ReportTable: Sendable {
    struct Column: Sendable {
        var title: String
        /// Millimetres on the A4 page; the printable page uses them as proportions.
        var widthMM: Double
        var numeric = false
    }

    var columns: [Column]
    var rows: [[String]]
}

extension PeriodicReport {
    /// "Kết quả thực hiện nhiệm vụ cải cách hành chính quý IV năm 2026".
    var subject: String { "Kết quả thực hiện nhiệm vụ cải cách hành chính \(period.label)" }

    var body: [ReportBlock] {
        var blocks: [ReportBlock] = []
        let standing = asOf == period.last ? "" : " (số liệu tính đến ngày \(asOf.vietnamese))"
        blocks.append(.text("\(heading.office) báo cáo Ủy ban nhân dân huyện kết quả thực hiện nhiệm vụ cải cách hành chính \(period.label)\(standing) như sau:"))

        blocks.append(.heading("I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ"))
        let totals = totals
        let communeTasks = tasks.count
        let officeTasks = Set(offices.map(\.task.id)).count
        blocks.append(.text("1. Kết quả chung: kế hoạch năm \(plan) có \(communeTasks) nhiệm vụ giao cho các xã, thị trấn và \(officeTasks) nhiệm vụ của các cơ quan chuyên môn thuộc UBND huyện. Trên \(totals.assigned) lượt giao cho các xã, thị trấn, đã hoàn thành \(totals.done) lượt (\(totals.donePercent)%), đang thực hiện \(totals.inProgress) lượt, gặp khó khăn \(totals.blocked) lượt, chưa thực hiện \(totals.notStarted) lượt; \(totals.late) lượt quá hạn."))
        blocks.append(.text("2. Kết quả theo nhiệm vụ:"))
        blocks.append(.table(ReportTable(
            columns: [.init(title: "STT", widthMM: 12, numeric: true), .init(title: "Nhiệm vụ", widthMM: 63), .init(title: "Hạn", widthMM: 22),
                      .init(title: "Số xã được giao", widthMM: 17, numeric: true), .init(title: "Hoàn thành", widthMM: 17, numeric: true),
                      .init(title: "Đang thực hiện", widthMM: 17, numeric: true), .init(title: "Quá hạn", widthMM: 17, numeric: true)],
            rows: tasks.enumerated().map { index, row in
                ["\(index + 1)", "\(TaskPlans.number(row.task.id, in: plan)). \(row.task.title)", VietnameseFormat.day(row.task.deadline), "\(row.counts.assigned)",
                 "\(row.counts.done)", "\(row.counts.inProgress)", "\(row.counts.late)"]
            })))
        blocks.append(.text("3. Kết quả theo xã, thị trấn:"))
        blocks.append(.table(ReportTable(
            columns: [.init(title: "STT", widthMM: 12, numeric: true), .init(title: "Xã, thị trấn", widthMM: 53),
                      .init(title: "Được giao", widthMM: 20, numeric: true), .init(title: "Hoàn thành", widthMM: 20, numeric: true),
                      .init(title: "Tỷ lệ hoàn thành (%)", widthMM: 30, numeric: true), .init(title: "Quá hạn", widthMM: 30, numeric: true)],
            rows: communes.enumerated().map { index, row in
                ["\(index + 1)", row.name, "\(row.counts.assigned)", "\(row.counts.done)", "\(row.counts.donePercent)", "\(row.counts.late)"]
            })))
        blocks.append(.text("4. Nhiệm vụ của các cơ quan chuyên môn thuộc UBND huyện:"))
        if offices.isEmpty {
            blocks.append(.text("Kế hoạch năm \(plan) không có nhiệm vụ giao cho các cơ quan chuyên môn."))
        } else {
            blocks.append(.table(ReportTable(
                columns: [.init(title: "STT", widthMM: 12, numeric: true), .init(title: "Nhiệm vụ", widthMM: 68), .init(title: "Cơ quan", widthMM: 40),
                          .init(title: "Kết quả", widthMM: 45)],
                rows: offices.enumerated().map { index, row in
                    let percent = row.percent.map { " (\($0)%)" } ?? ""
                    return ["\(index + 1)", "\(TaskPlans.number(row.task.id, in: plan)). \(row.task.title)", row.office, row.status.label + percent + (row.late ? ", quá hạn" : "")]
                })))
        }

        blocks.append(.heading("II. TRANG THIẾT BỊ VÀ KINH PHÍ"))
        blocks.append(.table(ReportTable(
            columns: [.init(title: "Thiết bị", widthMM: 40), .init(title: "Số xã đã kiểm tra", widthMM: 25, numeric: true),
                      .init(title: "Đang hoạt động", widthMM: 25, numeric: true), .init(title: "Tổng số", widthMM: 20, numeric: true),
                      .init(title: "Cần bổ sung", widthMM: 20, numeric: true), .init(title: "Dự toán (đồng)", widthMM: 35, numeric: true)],
            rows: equipment.map { row in
                [row.kind.label, "\(row.reported)", VietnameseFormat.number(row.working), VietnameseFormat.number(row.total),
                 VietnameseFormat.number(row.needed), VietnameseFormat.money(row.cost)]
            } + [["Cộng", "", VietnameseFormat.number(equipment.reduce(0) { $0 + $1.working }),
                  VietnameseFormat.number(equipment.reduce(0) { $0 + $1.total }),
                  VietnameseFormat.number(equipment.reduce(0) { $0 + $1.needed }), VietnameseFormat.money(budget)]])))
        let lines = InternetState.allCases.map { "\(internet[$0] ?? 0) xã \($0.label.lowercased())" }
        let unknown = internetUnknown > 0 ? "; \(internetUnknown) xã chưa báo cáo" : ""
        blocks.append(.text("Đường truyền Internet: \(lines.joined(separator: ", "))\(unknown). Tổng kinh phí dự kiến để bổ sung thiết bị: \(VietnameseFormat.money(budget)) đồng."))

        blocks.append(.heading("III. NHIỆM VỤ QUÁ HẠN"))
        if late.isEmpty {
            blocks.append(.text("Đến ngày \(asOf.vietnamese), không có nhiệm vụ quá hạn."))
        } else {
            let count = late.reduce(0) { $0 + $1.units.count }
            blocks.append(.text("Đến ngày \(asOf.vietnamese), có \(late.count) nhiệm vụ quá hạn với \(count) lượt đơn vị chưa hoàn thành:"))
            blocks.append(.table(ReportTable(
                columns: [.init(title: "STT", widthMM: 12, numeric: true), .init(title: "Nhiệm vụ", widthMM: 60),
                          .init(title: "Hạn", widthMM: 22), .init(title: "Đơn vị chưa hoàn thành", widthMM: 71)],
                rows: late.enumerated().map { index, row in
                    ["\(index + 1)", "\(TaskPlans.number(row.task.id, in: plan)). \(row.task.title)", VietnameseFormat.day(row.task.deadline),
                     "\(row.units.count): \(row.units.joined(separator: ", "))"]
                })))
        }

        blocks.append(.heading("IV. KIẾN NGHỊ, ĐỀ XUẤT VÀ ĐĂNG KÝ TẬP HUẤN"))
        let answered = proposals.filter { $0.proposal.state == .answered }.count
        let working = proposals.filter { $0.proposal.state == .inProgress }.count
        blocks.append(.text("Trong kỳ, các xã, thị trấn gửi \(proposals.count) kiến nghị, đề xuất; đã trả lời \(answered), đang xử lý \(working), chưa xử lý \(proposals.count - answered - working)."))
        if !proposals.isEmpty {
            blocks.append(.table(ReportTable(
                columns: [.init(title: "STT", widthMM: 12, numeric: true), .init(title: "Xã, thị trấn", widthMM: 30), .init(title: "Nội dung", widthMM: 53),
                          .init(title: "Cơ quan", widthMM: 25), .init(title: "Kết quả", widthMM: 45)],
                rows: proposals.enumerated().map { index, row in
                    let proposal = row.proposal
                    let result = proposal.state.label + (proposal.answer.map { ": \($0)" } ?? "")
                    return ["\(index + 1)", row.communeName, "\(proposal.topic): \(proposal.text)", proposal.office ?? "", result]
                })))
        }
        let sessions = training.sessions.map(\.name)
        blocks.append(.text("Các xã, thị trấn đăng ký \(training.requests) lượt tập huấn, hỗ trợ với \(training.people) người; "
            + (sessions.isEmpty ? "trong kỳ chưa có lớp tập huấn nào." : "trong kỳ tổ chức \(sessions.count) lớp: \(sessions.joined(separator: "; "))." )))

        blocks.append(.text("Trên đây là báo cáo kết quả thực hiện nhiệm vụ cải cách hành chính \(period.label) của \(heading.office), kính báo cáo Ủy ban nhân dân huyện xem xét, chỉ đạo./."))
        return blocks
    }
}
