import Foundation

/// Collections, fields and values as a district clerk reads them: the audit page and its CSV
/// show these, never the identifiers the wire and `audit --json` keep.
public enum FieldLabels {
    public static func collection(_ collection: RecordCollection) -> String {
        switch collection {
        case .communes: "Xã"
        case .tasks: "Nhiệm vụ"
        case .progress: "Báo cáo tiến độ"
        case .equipment: "Kiểm tra thiết bị"
        case .attachments: "Tệp minh chứng"
        case .criteria: "Bộ tiêu chí"
        case .scores: "Chấm điểm tiêu chí"
        case .assessments: "Bản tự đánh giá"
        case .proposals: "Kiến nghị"
        case .training: "Đăng ký tập huấn"
        case .sessions: "Lớp tập huấn"
        case .officeProgress: "Báo cáo của phòng, ban"
        case .officeAttachments: "Tệp minh chứng của phòng, ban"
        }
    }

    private static let common = [
        "by": "Người ghi", "note": "Ghi chú", deletedField: "Xóa", "at": "Thời điểm", "topic": "Chủ đề",
        "communes": "Giao cho xã", "answer": "Trả lời", "state": "Tình trạng",
    ]

    private static let attachmentLabels = ["name": "Tên tệp", "size": "Dung lượng", "type": "Loại tệp", "by": "Người đính kèm",
                                           "at": "Thời điểm đính kèm"]

    private static let byCollection: [RecordCollection: [String: String]] = [
        .communes: ["name": "Tên xã"],
        .tasks: ["title": "Tên nhiệm vụ", "detail": "Nội dung", "source": "Căn cứ", "deadline": "Hạn", "offices": "Cơ quan",
                 "index": "Chỉ số"],
        .progress: ["status": "Trạng thái", "percent": "Tỷ lệ hoàn thành", "evidence": "Văn bản, minh chứng", "by": "Người báo cáo",
                    "review": "Huyện xem xét", "review_note": "Nhận xét của huyện", "reviewed_by": "Người xem xét"],
        .equipment: ["total": "Tổng số", "working": "Đang hoạt động", "broken": "Hỏng", "needed": "Cần bổ sung", "cost": "Dự toán",
                     "state": "Đường truyền", "provider": "Nhà cung cấp", "mbps": "Tốc độ (Mbps)", "by": "Người kiểm tra",
                     "checked_on": "Ngày kiểm tra"],
        .attachments: attachmentLabels,
        .officeAttachments: attachmentLabels,
        .criteria: ["set": "Nội dung bộ tiêu chí"],
        .scores: ["score": "Điểm tự chấm", "explain": "Giải trình", "version": "Phiên bản bộ tiêu chí", "by": "Người chấm",
                  "appraised": "Điểm thẩm định", "comment": "Nhận xét thẩm định", "appraised_by": "Người thẩm định"],
        .assessments: ["submitted": "Lần nộp", "submitted_by": "Người nộp", "submitted_at": "Thời điểm nộp", "decided": "Lần nộp đã xử lý",
                       "decision": "Kết luận", "decision_note": "Ý kiến của huyện", "decided_by": "Người kết luận", "rank": "Xếp hạng"],
        .proposals: ["text": "Nội dung", "office": "Gửi cơ quan", "by": "Người gửi", "answered_by": "Người trả lời",
                     "answered_at": "Thời điểm trả lời"],
        .training: ["people": "Số người", "names": "Người tham gia", "period": "Thời gian mong muốn", "by": "Người đăng ký",
                    "session": "Lớp đã xếp"],
        .sessions: ["date": "Ngày", "place": "Địa điểm", "trainer": "Giảng viên", "communes": "Xã được mời"],
    ]

    /// A field's name in Vietnamese; the identifier itself for one no collection has.
    public static func field(_ field: String, in collection: RecordCollection?) -> String {
        collection.flatMap { byCollection[$0]?[field] } ?? common[field] ?? field
    }

    /// A value as people read it: statuses and decisions by their names, money with dots,
    /// days as `dd/MM/yyyy`, points with a decimal comma, communes by their names in
    /// `communes` (code → name) when it has them.
    public static func value(_ value: FieldValue, field: String, in collection: RecordCollection?,
                             communes: [String: String] = [:]) -> String {
        if value.isNull { return "(trống)" }
        let text = value.text
        switch (collection, field) {
        case (.progress?, "status"), (.officeProgress?, "status"): return text.flatMap(ProgressStatus.init(rawValue:))?.label ?? value.description
        case (.progress?, "review"): return text.flatMap(ReviewDecision.init(rawValue:))?.districtLabel ?? value.description
        case (.progress?, "percent"), (.officeProgress?, "percent"): return "\(value.description) %"
        case (.equipment?, "state"): return text.flatMap(InternetState.init(rawValue:))?.label ?? value.description
        case (.equipment?, "cost"): return value.int.map(VietnameseFormat.money) ?? value.description
        case (.assessments?, "decision"): return text.flatMap(AssessmentDecision.init(rawValue:))?.label ?? value.description
        case (.proposals?, "state"): return text.flatMap(ProposalState.init(rawValue:))?.label ?? value.description
        case (.scores?, "score"), (.scores?, "appraised"): return value.number.map(Points.text) ?? value.description
        case (.attachments?, "size"), (.officeAttachments?, "size"): return value.int.map(VietnameseFormat.bytes) ?? value.description
        case (.attachments?, "type"), (.officeAttachments?, "type"): return text.flatMap(EvidenceType.init(rawValue:))?.label ?? value.description
        case (.criteria?, "set"): return (text.flatMap { try? CriteriaSet(encoded: $0) }).map { "\($0.title) (\($0.leaves.count) tiêu chí thành phần)" } ?? "…"
        case (_, "communes"):
            switch text.flatMap(TaskAssignment.init(encoded:)) {
            case .everyCommune?: return "Tất cả các xã"
            case .communes(let codes)?: return codes.map { communes[$0] ?? $0 }.joined(separator: ", ")
            case nil: return value.description
            }
        case (_, deletedField): return value.int == 1 ? "Có" : "Không"
        case (_, "deadline"), (_, "checked_on"), (_, "date"): return VietnameseFormat.day(text)
        case (_, "at"), (_, "submitted_at"), (_, "answered_at"): return text.map { VietnameseFormat.dateTime(iso: $0) } ?? value.description
        default: return value.description
        }
    }

    /// Every field some collection has, with its label: the audit's field filter.
    public static var allFields: [(field: String, label: String)] {
        var seen: [String: String] = [:]
        for collection in RecordCollection.allCases {
            for field in (byCollection[collection] ?? [:]).keys where seen[field] == nil { seen[field] = Self.field(field, in: collection) }
        }
        for (field, label) in common where seen[field] == nil { seen[field] = label }
        return seen.map { ($0.key, $0.value) }.sorted { $0.label.compare($1.label, locale: Locale(identifier: "vi")) == .orderedAscending }
    }
}
