extension SyncError {
    /// What a commune officer reads: Vietnamese, saying what happened to their data and what to
    /// do. Validation errors already carry Vietnamese messages; network and credential errors
    /// carry the operator's English detail, kept in brackets for the IT staff.
    public var officerMessage: String {
        switch code {
        case .hubUnreachable:
            return "Không kết nối được máy chủ huyện. Dữ liệu vẫn được lưu trên máy này và sẽ tự gửi khi có mạng. (\(message))"
        case .hubIdentity:
            return "Không xác minh được máy chủ huyện (chứng chỉ hoặc khóa không đúng), nên máy này không gửi dữ liệu đi. Hãy báo ngay bộ phận CNTT của huyện. Dữ liệu vẫn được lưu trên máy này. (\(message))"
        case .unauthorized:
            return "Máy chủ huyện không chấp nhận mã truy cập của máy này (mã sai hoặc đã bị thu hồi). Hãy liên hệ bộ phận CNTT của huyện. (\(message))"
        case .forbidden:
            return "Máy chủ huyện từ chối: mã truy cập không khớp với máy hoặc xã này. Hãy liên hệ bộ phận CNTT của huyện. (\(message))"
        case .protocolVersion:
            return "Phần mềm của xã không cùng phiên bản với máy chủ huyện; cần cập nhật phần mềm. (\(message))"
        case .sequenceReused:
            return "Dữ liệu trên máy này đã bị khôi phục từ một bản sao cũ nên huyện chưa nhận các thay đổi mới. Hãy liên hệ bộ phận CNTT của huyện để đăng ký lại máy; dữ liệu vẫn được giữ trên máy. (\(message))"
        case .slowDown, .draining:
            return "Máy chủ huyện đang bận; sẽ tự thử lại sau. (\(message))"
        case .hubError, .tooLarge:
            return "Máy chủ huyện gặp lỗi khi nhận dữ liệu; sẽ thử lại sau. Nếu lỗi kéo dài, hãy báo bộ phận CNTT của huyện. (\(message))"
        case .storage:
            return "Không ghi được vào kho dữ liệu trên máy này (ổ đĩa đầy hoặc lỗi đọc ghi); lần ghi này bị hủy trọn vẹn, không có gì bị ghi dở. Hãy báo bộ phận CNTT giải phóng dung lượng hoặc kiểm tra ổ đĩa rồi ghi lại. (\(message))"
        default:
            return message
        }
    }
}

extension SyncError {
    /// Why the hub refused one of this office's writes, as an officer reads it, with the
    /// hub's own words (English, for the IT staff) in brackets. The hub refuses a write, not
    /// the exchange, so the rest went through: the officer has to redo only this one.
    public static func officerRefusal(code: String, reason: String) -> String {
        let why: String
        switch Code(rawValue: code) {
        case .unknownTask: why = "nhiệm vụ này không được giao cho xã (hoặc huyện đã thôi giao)"
        case .outOfScope: why = "thông tin này không thuộc xã của máy"
        case .districtOnly: why = "chỉ huyện được sửa thông tin này"
        case .unknownField, .unknownCollection: why = "máy chủ huyện không biết loại thông tin này; cần cập nhật phần mềm"
        case .invalidValue, .invalidInput: why = "giá trị không hợp lệ"
        default: why = "huyện không nhận thay đổi này"
        }
        return "\(why) [\(code): \(reason)]"
    }
}
