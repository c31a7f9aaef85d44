import CShims
import Foundation

/// A minimal HTTP client over libcurl's easy interface: blocking requests, with connect and
/// low-speed limits so a stalled rural link is abandoned instead of hanging. Copies of a client
/// share its idle connections, so a sync's exchanges after the first pay no TCP or TLS
/// handshake: on a 300 ms 3G link each handshake is one or two more round trips.
public struct CurlHTTPClient: Sendable {
    public struct Reply: Sendable {
        public var status: Int
        public var body: Data
        /// The `Retry-After` header in seconds, when the hub sent one.
        public var retryAfter: Int?
        /// Every response header, by lowercased name, in the order received.
        public var headers: [(name: String, value: String)]

        public func header(_ name: String) -> String? {
            headers.last { $0.name == name.lowercased() }?.value
        }
    }

    public var connectTimeoutMs: Int = 10_000
    /// Abort when fewer than `lowSpeedBytes` per second flow for `lowSpeedSeconds`.
    public var lowSpeedBytes: Int = 100
    public var lowSpeedSeconds: Int = 30
    public var totalTimeoutMs: Int = 300_000
    /// The most response bytes accepted (after libcurl's decompression).
    public var maxResponseBytes: Int = 64 << 20
    /// Raised on shutdown: a transfer in flight stops within about a second.
    public var abort: AbortSignal?
    /// PEM bundle of the authorities that may sign the hub's certificate (else the system's).
    public var caFile: String?
    /// `sha256//<base64>` public-key pins separated by `;` (two, to rotate the hub's key).
    public var pinnedPublicKeys: String?

    private let handles = HandlePool()

    public init() {}

    private static let initialized: Bool = {
        cshims_global_init() == CURLE_OK
    }()

    public func post(url: String, body: Data, headers: [String]) throws -> Reply {
        try perform(url: url, body: body, headers: headers)
    }

    /// A GET, for health checks.
    public func get(url: String, headers: [String] = []) throws -> Reply {
        try perform(url: url, body: nil, headers: headers)
    }

    /// A GET whose body goes to `file` as it arrives (at most `maxResponseBytes`), not into
    /// memory: a 25 MB scan downloaded on an office PC.
    public func download(url: String, headers: [String] = [], to file: FileHandle) throws -> Reply {
        try perform(url: url, body: nil, headers: headers, into: file)
    }

    /// A request with another method: `HEAD` (no body read), `PATCH` or `POST` with `body`.
    public func send(_ method: String, url: String, body: Data? = nil, headers: [String]) throws -> Reply {
        try perform(url: url, body: body, headers: headers, method: method)
    }

    /// One request: a POST of `body`, or a GET when there is none, unless `method` says otherwise.
    private func perform(url: String, body: Data?, headers: [String], method: String? = nil, into file: FileHandle? = nil) throws -> Reply {
        guard Self.initialized, let handle = handles.take() else {
            throw SyncError(.hubUnreachable, "libcurl could not start")
        }
        defer { handles.give(back: handle) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in headers { headerList = curl_slist_append(headerList, header) }
        defer { curl_slist_free_all(headerList) }

        let sink = ResponseSink(limit: maxResponseBytes, abort: abort, file: file)
        let sinkPointer = Unmanaged.passRetained(sink).toOpaque()
        defer { Unmanaged<ResponseSink>.fromOpaque(sinkPointer).release() }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let code: CURLcode = url.withCString { urlPointer in
            (body ?? Data()).withUnsafeBytes { bodyBuffer in
                errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
                    _ = cshims_setopt_pointer(handle, CURLOPT_URL, urlPointer)
                    if body != nil {
                        _ = cshims_setopt_long(handle, CURLOPT_POST, 1)
                        _ = cshims_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bodyBuffer.count))
                        // An empty Data may have no base address; libcurl then needs a valid pointer.
                        _ = cshims_setopt_pointer(handle, CURLOPT_POSTFIELDS, bodyBuffer.baseAddress ?? UnsafeRawPointer(urlPointer))
                    }
                    if method == "HEAD" {
                        _ = cshims_setopt_long(handle, CURLOPT_NOBODY, 1)
                    } else if let method, method != "GET" && method != "POST" {
                        _ = cshims_setopt_pointer(handle, CURLOPT_CUSTOMREQUEST, method)
                    }
                    _ = cshims_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList)
                    // "" asks for every encoding libcurl can decode, and decodes the reply.
                    _ = cshims_setopt_pointer(handle, CURLOPT_ACCEPT_ENCODING, "")
                    _ = cshims_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                    // Peer and host verification are libcurl's defaults; these narrow who is trusted.
                    if let caFile { _ = cshims_setopt_pointer(handle, CURLOPT_CAINFO, caFile) }
                    if let pinnedPublicKeys { _ = cshims_setopt_pointer(handle, CURLOPT_PINNEDPUBLICKEY, pinnedPublicKeys) }
                    _ = cshims_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMs)
                    _ = cshims_setopt_long(handle, CURLOPT_TIMEOUT_MS, totalTimeoutMs)
                    _ = cshims_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, lowSpeedBytes)
                    _ = cshims_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, lowSpeedSeconds)
                    _ = cshims_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress)
                    _ = cshims_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, curlWriteBody)
                    _ = cshims_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer)
                    _ = cshims_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader)
                    _ = cshims_setopt_pointer(handle, CURLOPT_HEADERDATA, sinkPointer)
                    _ = cshims_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
                    _ = cshims_setopt_xferinfo_function(handle, curlProgress)
                    _ = cshims_setopt_pointer(handle, CURLOPT_XFERINFODATA, sinkPointer)
                    return curl_easy_perform(handle)
                }
            }
        }
        if code == CURLE_ABORTED_BY_CALLBACK {
            throw SyncError(.hubUnreachable, "the transfer to \(url) was stopped for shutdown")
        }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let summary = String(cString: curl_easy_strerror(code))
            switch code {
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_ISSUER_ERROR:
                throw SyncError(.hubIdentity, "the hub at \(url) could not be verified: \(detail.isEmpty ? summary : detail)")
            default:
                throw SyncError(.hubUnreachable, "cannot reach the hub at \(url): \(detail.isEmpty ? summary : detail)")
            }
        }
        // libcurl (7.88) takes a connection closed in the middle of the headers for a complete,
        // empty answer: a reply cut short is the network's failure, not the hub's.
        guard sink.headersEnded else {
            throw SyncError(.hubUnreachable, "cannot reach the hub at \(url): the reply was cut off in its headers")
        }
        var status = 0
        _ = cshims_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Reply(status: status, body: sink.body, retryAfter: sink.retryAfter, headers: sink.headers)
    }
}

/// Easy handles between requests. A handle keeps its connection to the hub open after a
/// request (libcurl's connection cache lives in the handle); `curl_easy_reset` clears the
/// previous request's options but keeps that connection. Requests in flight at once each take
/// their own handle.
private final class HandlePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [UnsafeMutableRawPointer] = []

    func take() -> UnsafeMutableRawPointer? {
        if let handle = lock.withLock({ idle.popLast() }) {
            curl_easy_reset(handle)
            return handle
        }
        return curl_easy_init()
    }

    func give(back handle: UnsafeMutableRawPointer) {
        let kept = lock.withLock { () -> Bool in
            guard idle.count < 2 else { return false }
            idle.append(handle)
            return true
        }
        if !kept { curl_easy_cleanup(handle) }
    }

    deinit {
        idle.forEach(curl_easy_cleanup)
    }
}

/// Where libcurl's callbacks put the reply; owned by one `post` call.
private final class ResponseSink {
    let limit: Int
    let abort: AbortSignal?
    /// Where the body goes when it is not kept in memory.
    let file: FileHandle?
    var written = 0
    var body = Data()
    var retryAfter: Int?
    var headers: [(name: String, value: String)] = []
    /// Whether the last response's headers ended with their blank line.
    var headersEnded = false

    init(limit: Int, abort: AbortSignal?, file: FileHandle?) {
        self.limit = limit
        self.abort = abort
        self.file = file
    }
}

/// A flag another thread raises to stop transfers in flight (checked by libcurl's progress
/// callback, which runs at least once a second).
public final class AbortSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    private let handles = HandlePool()

    public init() {}

    public func raise() {
        lock.withLock { raised = true }
    }

    public var isRaised: Bool {
        lock.withLock { raised }
    }
}

private func curlProgress(_ userdata: UnsafeMutableRawPointer?, _: curl_off_t, _: curl_off_t, _: curl_off_t, _: curl_off_t) -> Int32 {
    guard let userdata else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    return sink.abort?.isRaised == true ? 1 : 0
}

private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let data, let userdata else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    // Returning less than `length` makes libcurl abort the transfer.
    guard sink.written + length <= sink.limit else { return 0 }
    sink.written += length
    let bytes = Data(bytesNoCopy: data, count: length, deallocator: .none)
    guard let file = sink.file else {
        sink.body.append(bytes)
        return length
    }
    return (try? file.write(contentsOf: bytes)) == nil ? 0 : length
}

private func curlWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let data, let userdata else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    if line.lowercased().hasPrefix("http/") {
        // A new response (after a redirect or 100-continue): forget the previous one's headers.
        sink.retryAfter = nil
        sink.headers = []
        sink.headersEnded = false
    } else if line == "\r\n" || line == "\n" {
        sink.headersEnded = true
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        sink.headers.append((name, value))
        if name == "retry-after" { sink.retryAfter = Int(value) }
    }
    return length
}
