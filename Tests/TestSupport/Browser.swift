import Foundation
import SyncCore

/// A minimal browser for the officer's screen: keeps cookies, sends forms, reads the CSRF field
/// from the last page, and can lie about its Host.
public final class Browser {
    public let base: String
    private let client = CurlHTTPClient()
    private var cookies: [String: String] = [:]
    public private(set) var lastPage = ""

    /// A browser of `http://host:port`; an IPv6 host in brackets, as in a URL (`[::1]`).
    public init(host: String = "127.0.0.1", port: Int) {
        base = "http://\(host):\(port)"
    }

    private var cookieHeader: [String] {
        cookies.isEmpty ? [] : ["Cookie: " + cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
    }

    private func remember(_ reply: CurlHTTPClient.Reply) {
        for (name, value) in reply.headers where name == "set-cookie" {
            let pair = value.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) }
        }
        lastPage = String(decoding: reply.body, as: UTF8.self)
    }

    @discardableResult
    public func get(_ path: String, host: String? = nil) throws -> CurlHTTPClient.Reply {
        let reply = try client.get(url: base + path, headers: cookieHeader + (host.map { ["Host: \($0)"] } ?? []))
        remember(reply)
        return reply
    }

    /// Posts a form; `csrf` defaults to the token in the last page.
    @discardableResult
    public func post(_ path: String, _ fields: [String: String], csrf: String? = nil) throws -> CurlHTTPClient.Reply {
        var fields = fields
        if fields["csrf"] == nil, let token = csrf ?? self.csrfToken { fields["csrf"] = token }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
        let reply = try client.post(url: base + path, body: Data(body.utf8),
                                    headers: cookieHeader + ["Content-Type: application/x-www-form-urlencoded"])
        remember(reply)
        return reply
    }

    /// Posts a `multipart/form-data` form with one file, as a browser's file input sends it.
    @discardableResult
    public func upload(_ path: String, _ fields: [String: String], file: (field: String, name: String, bytes: Data),
                       csrf: String? = nil) throws -> CurlHTTPClient.Reply {
        var fields = fields
        if fields["csrf"] == nil, let token = csrf ?? self.csrfToken { fields["csrf"] = token }
        let boundary = "----browser\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\n".utf8)
        body += Data("Content-Type: application/octet-stream\r\n\r\n".utf8) + file.bytes + Data("\r\n--\(boundary)--\r\n".utf8)
        let reply = try client.post(url: base + path, body: body,
                                    headers: cookieHeader + ["Content-Type: multipart/form-data; boundary=\(boundary)", "Expect:"])
        remember(reply)
        return reply
    }

    /// The hidden CSRF field of the last page.
    public var csrfToken: String? {
        guard let range = lastPage.range(of: #"name="csrf" value=""#) else { return nil }
        return String(lastPage[range.upperBound...].prefix { $0 != "\"" })
    }
}
