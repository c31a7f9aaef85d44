import Foundation
import SyncCore
import WebSupport

/// Proposals and training sign-up on the officer's screen: what the commune sent and what the
/// district answered, the sessions it is invited to, and the two forms.
enum RequestPages {
    static func page(_ inbox: AgentInbox, files: [AgentAttachment], values: [String: String], by: String, errors: [String], csrf: String) -> HTML {
        let proposals = inbox.proposals.map { proposal -> HTML in
            let attached = files.filter { $0.file.task == "proposals/\(proposal.id)" }.map { attachment -> HTML in
                "<a href=\"/files/\(attachment.file.sha256)\">\(attachment.file.name)</a>"
            }.joined(separator: ", ")
            let badge: HTML = switch proposal.state {
            case .new: "<span class=\"badge unknown\">\(proposal.state.label)</span>"
            case .inProgress: "<span class=\"badge warnbadge\">\(proposal.state.label)</span>"
            case .answered: "<span class=\"badge online\">\(proposal.state.label)</span>"
            }
            return """
                <tr><td>\(VietnameseFormat.dateTime(iso: proposal.at))</td><td><strong>\(proposal.topic)</strong><br>\(proposal.text) \(attached)</td>
                <td>\(proposal.office ?? "—")</td><td>\(proposal.by)</td><td>\(badge)\(proposal.answer.map { "<p class=\"note\">\($0)</p>" as HTML })</td></tr>
                """
        }.joined()
        let training = inbox.training.map { request -> HTML in
            """
            <tr><td>\(VietnameseFormat.dateTime(iso: request.at))</td><td>\(request.topic)</td><td class="num">\(request.people)</td>
            <td>\(request.names ?? "")</td><td>\(request.period ?? "")</td><td>\(request.state.label)\(request.answer.map { " — \($0)" } ?? "")</td></tr>
            """
        }.joined()
        let sessions = inbox.sessions.map { session -> HTML in
            "<tr><td>\(VietnameseFormat.day(session.date))</td><td>\(session.topic)</td><td>\(session.place)</td><td>\(session.trainer ?? "")</td><td>\(session.note ?? "")</td></tr>"
        }.joined()
        let offices = RequestVocabulary.offices.map { "<option value=\"\($0)\"\(values["office"] == $0 ? " selected" : "")>\($0)</option>" as HTML }.joined()
        let topics = RequestVocabulary.trainingTopics.map { "<option value=\"\($0)\">" as HTML }.joined()
        return """
            \(Pages.errorList(errors))
            <h2>Lớp tập huấn xã được mời</h2>
            \(sessions.markup.isEmpty ? "<p>Chưa có lớp nào.</p>" as HTML : "<table><thead><tr><th>Ngày</th><th>Chủ đề</th><th>Địa điểm</th><th>Giảng viên</th><th>Ghi chú</th></tr></thead><tbody>\(sessions)</tbody></table>")
            <h2>Khó khăn, vướng mắc, kiến nghị</h2>
            \(proposals.markup.isEmpty ? "<p>Xã chưa gửi kiến nghị nào.</p>" as HTML : "<table><thead><tr><th>Ngày</th><th>Nội dung</th><th>Gửi</th><th>Người gửi</th><th>Huyện</th></tr></thead><tbody>\(proposals)</tbody></table>")
            <form method="post" action="/proposals" enctype="multipart/form-data" class="report">
            <input type="hidden" name="csrf" value="\(csrf)">
            <label>Chủ đề <input type="text" name="topic" required maxlength="200" value="\(values["topic"] ?? "")"></label>
            <label>Nội dung khó khăn, kiến nghị <textarea name="text" rows="4" required maxlength="4000">\(values["text"] ?? "")</textarea></label>
            <label>Gửi cơ quan <select name="office"><option value="">— chưa rõ —</option>\(offices)</select></label>
            <label>Tệp kèm theo (nếu có) <input type="file" name="file" accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff,.doc,.docx,.xls,.xlsx,.odt,.ods"></label>
            <label>Người gửi <input type="text" name="by" required maxlength="100" value="\(values["by"] ?? by)"></label>
            <button type="submit">Gửi kiến nghị</button>
            </form>
            <h2>Đăng ký tập huấn, hỗ trợ</h2>
            \(training.markup.isEmpty ? "<p>Xã chưa đăng ký lớp nào.</p>" as HTML : "<table><thead><tr><th>Ngày</th><th>Chủ đề</th><th>Số người</th><th>Người tham gia</th><th>Thời gian mong muốn</th><th>Tình trạng</th></tr></thead><tbody>\(training)</tbody></table>")
            <form method="post" action="/training" class="report">
            <input type="hidden" name="csrf" value="\(csrf)">
            <label>Chủ đề <input type="text" name="topic" list="training-topics" required maxlength="200" value="\(values["training.topic"] ?? "")"></label>
            <datalist id="training-topics">\(topics)</datalist>
            <label>Số người tham gia <input type="number" name="people" required min="1" max="500" step="1" value="\(values["people"] ?? "")"></label>
            <label>Họ tên, chức vụ người tham gia <textarea name="names" rows="2" maxlength="4000">\(values["names"] ?? "")</textarea></label>
            <label>Thời gian mong muốn <input type="text" name="period" maxlength="200" placeholder="Ví dụ: Quý I/2027" value="\(values["period"] ?? "")"></label>
            <label>Người đăng ký <input type="text" name="by" required maxlength="100" value="\(values["by"] ?? by)"></label>
            <button type="submit">Đăng ký</button>
            </form>
            """
    }
}
