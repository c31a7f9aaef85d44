import Foundation
import SyncCore

/// Who issues the periodic report and who receives it: the parts of an official document
/// that stay the same from one report to the next, read from the hub's settings (`report.*`).
struct ReportHeading: Sendable {
    /// The district as its People's Committee names it: "Bắc Sơn".
    var district: String
    /// The issuing office: "Phòng Nội vụ".
    var office: String
    /// The symbol after the number: "BC-PNV" gives "Số:     /BC-PNV".
    var symbol: String
    /// The number the clerk registering the report gives it; blank until then.
    var number: String?
    /// The place in the date line; the district's name by default.
    var place: String
    /// "TRƯỞNG PHÒNG", or "KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG" for a deputy.
    var signerTitle: String
    var signer: String?
    /// "Nơi nhận", one line each, the last being the file copy.
    var recipients: [String]

    /// What a hub whose config names no `report` keys prints: the Interior Office's report,
    /// the district left for the clerk to fill in.
    static let unconfigured = ReportHeading(
        district: "", office: "Phòng Nội vụ", symbol: "BC-PNV", number: nil, place: "", signerTitle: "TRƯỞNG PHÒNG", signer: nil,
        recipients: ["UBND huyện (để báo cáo)", "Lưu: VT, NV."])

    static func load(_ settings: Settings) throws -> ReportHeading {
        let standard = unconfigured
        let district = try settings.string("report.district") ?? standard.district
        return ReportHeading(
            district: district,
            office: try settings.string("report.office") ?? standard.office,
            symbol: try settings.string("report.symbol") ?? standard.symbol,
            number: nil,
            place: try settings.string("report.place") ?? district,
            signerTitle: try settings.string("report.signerTitle") ?? standard.signerTitle,
            signer: try settings.string("report.signer"),
            recipients: try settings.string("report.recipients").map {
                $0.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            } ?? standard.recipients)
    }

    /// The issuing body's superior, upper case: "UBND HUYỆN BẮC SƠN".
    var superior: String {
        district.isEmpty ? "UBND HUYỆN" : "UBND HUYỆN \(district.uppercased(with: .init(identifier: "vi")))"
    }

    /// "Số: 12/BC-PNV", or room for the number to be written in.
    var numberLine: String {
        "Số: \(number ?? String(repeating: " ", count: 8))/\(symbol)"
    }

    /// "Bắc Sơn, ngày 03 tháng 12 năm 2026": days below 10 and months below 3 take a leading
    /// zero (Decree 30/2020, Appendix I).
    func dateLine(_ day: CalendarDay) -> String {
        let dayText = day.day < 10 ? "0\(day.day)" : "\(day.day)"
        let monthText = day.month < 3 ? "0\(day.month)" : "\(day.month)"
        return "\(place.isEmpty ? "……" : place), ngày \(dayText) tháng \(monthText) năm \(day.year)"
    }
}
