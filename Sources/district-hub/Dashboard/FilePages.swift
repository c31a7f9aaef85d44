import Foundation
import SyncCore
import WebSupport

/// Evidence files on the dashboard: beside a commune's report on a task, and as a list on a
/// commune's page. Images show as thumbnails, PDFs open in the browser, the rest download.
enum FilePages {
    /// The files of one report, compact, for a table cell; `withAuthor` adds who attached each
    /// and when (the task page, where the commune page's list of files is not at hand).
    static func links(_ attachments: [HubAttachment], withAuthor: Bool = false) -> HTML {
        attachments.map { attachment -> HTML in
            let file = attachment.file
            let author: HTML = withAuthor ? " <small class=\"meta\">\(file.by), \(VietnameseFormat.dateTime(iso: file.at))</small>" : ""
            guard attachment.stored else {
                return "<span class=\"file pending\" title=\"Huyện chưa nhận đủ tệp\">\(file.name) (đang gửi)</span>\(author)"
            }
            let href = "/files/\(file.sha256)"
            if file.evidenceType?.isImage == true && file.evidenceType != .tiff {
                return "<a class=\"file\" href=\"\(href)\" target=\"_blank\" rel=\"noopener\"><img class=\"thumb\" src=\"\(href)\" alt=\"\(file.name)\" loading=\"lazy\"></a>\(author)"
            }
            return "<a class=\"file\" href=\"\(href)\"\(file.evidenceType?.opensInline == true ? " target=\"_blank\" rel=\"noopener\"" as HTML : "")>\(file.name)</a>\(author)"
        }.joined(separator: " ")
    }

    /// A commune's files: the task each supports, who attached it, when, and its size.
    static func table(_ attachments: [HubAttachment]) -> HTML {
        guard !attachments.isEmpty else { return "<p>Xã chưa gửi tệp minh chứng nào.</p>" }
        let rows = attachments.map { attachment -> HTML in
            let file = attachment.file
            return """
                <tr><td>\(subject(file))</td><td>\(links([attachment]))</td>
                <td>\(file.evidenceType?.label ?? file.type)</td><td class="num">\(VietnameseFormat.bytes(file.size))</td>
                <td>\(file.by)</td><td>\(VietnameseFormat.dateTime(iso: file.at))</td></tr>
                """
        }.joined()
        return """
            <table><thead><tr><th>Nhiệm vụ, tiêu chí</th><th>Tệp</th><th>Loại</th><th>Dung lượng</th><th>Người đính kèm</th><th>Lúc</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
    }

    /// What a file supports, linked: a task, or a sub-criterion of a year's self-assessment.
    static func subject(_ file: EvidenceFile) -> HTML {
        switch file.subject {
        case .criterion(let year, let criterion):
            "<a href=\"/assessment/communes/\(file.commune)?year=\(year)#c-\(String(criterion))\">Tiêu chí \(String(criterion)) (\(year))</a>"
        case .proposal: "<a href=\"/proposals\">Kiến nghị</a>"
        case .task, .assessment, .none: "<a href=\"/tasks/\(file.task)\">\(file.task)</a>"
        }
    }

}
