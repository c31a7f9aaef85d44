import CShims
import Foundation

/// gzip through the system zlib.
public enum Gzip {
    public static func compress(_ data: Data, level: Int32 = 6) throws -> Data {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = data.withUnsafeBytes { buffer in
            cshims_gzip(buffer.bindMemory(to: UInt8.self).baseAddress, buffer.count, level, &output, &length)
        }
        guard status == Int32(CSHIMS_GZIP_OK), let output else {
            throw SyncError(.storage, "gzip failed (\(status))")
        }
        defer { cshims_free(output) }
        return Data(bytes: output, count: length)
    }

    /// Inflates `data`, refusing to produce more than `maxBytes`: a small body that inflates
    /// without end (a gzip bomb) is refused as too large, not held in memory.
    public static func decompress(_ data: Data, maxBytes: Int) throws -> Data {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = data.withUnsafeBytes { buffer in
            cshims_gunzip(buffer.bindMemory(to: UInt8.self).baseAddress, buffer.count, maxBytes, &output, &length)
        }
        switch Int(status) {
        case Int(CSHIMS_GZIP_OK):
            guard let output else { return Data() }
            defer { cshims_free(output) }
            return Data(bytes: output, count: length)
        case Int(CSHIMS_GZIP_TOO_LARGE):
            throw SyncError(.tooLarge, "the body inflates to more than \(maxBytes) bytes")
        default:
            throw SyncError(.invalidInput, "the body is not valid gzip")
        }
    }
}
