import Foundation

/// Learns the length of the one HTTP message a direction of a connection carries, from its
/// head, as the bytes go by. The faults are placed at offsets within that message (a cut at
/// 37 % of the reply), and the proxy knows when the hub's reply is complete.
///
/// With a fault on, the proxy closes each connection after its first exchange
/// (`FaultSettings.oneExchangePerConnection`), so one message per direction is all there is to
/// follow. Anything that is not plain HTTP (TLS)
/// leaves the length unknown.
struct MessageSniffer: Sendable {
    /// Head plus body, once the head has been read; nil while unknown.
    private(set) var length: Int?
    /// The body length the head declared (`Content-Length`).
    private(set) var contentLength: Int?
    private var head: [UInt8] = []
    private var done = false
    private static let headLimit = 64 << 10

    /// Feeds the next bytes of the direction.
    mutating func feed(_ bytes: some Collection<UInt8>) {
        guard !done else { return }
        head.append(contentsOf: bytes)
        if !Self.mayBeHTTP(head) {
            done = true
            head = []
            return
        }
        guard let end = Self.endOfHead(head) else {
            if head.count > Self.headLimit { done = true; head = [] }
            return
        }
        done = true
        let text = String(decoding: head[..<end], as: UTF8.self).lowercased()
        var chunked = false
        for line in text.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" { contentLength = Int(value) }
            if name == "transfer-encoding" && value.contains("chunked") { chunked = true }
        }
        if let contentLength {
            length = end + contentLength
        } else if !chunked && !text.hasPrefix("http/") {
            length = end  // a request without a body
        } else if text.hasPrefix("http/1.1 204") || text.hasPrefix("http/1.1 304") {
            length = end  // a reply that never has a body (a tus PATCH's 204)
        }
        head = []
    }

    /// The offset just past `\r\n\r\n`, when the head is complete.
    static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 3..<bytes.count
        where bytes[index] == 10 && bytes[index - 1] == 13 && bytes[index - 2] == 10 && bytes[index - 3] == 13 {
            return index + 1
        }
        return nil
    }

    /// Whether the first bytes can still be an HTTP request line (`POST /…`) or status line.
    static func mayBeHTTP(_ bytes: [UInt8]) -> Bool {
        let prefix = bytes.prefix(8)
        if Array("HTTP/".utf8).starts(with: prefix) || prefix.starts(with: Array("HTTP/".utf8)) { return true }
        for byte in prefix {
            if byte == UInt8(ascii: " ") { return true }
            if !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) { return false }
        }
        return true
    }
}
