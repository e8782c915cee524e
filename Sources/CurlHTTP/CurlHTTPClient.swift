import CCrypto
import CCurl
import FoundationEssentials
import Support

/// The HTTP client every outbound call uses: one libcurl easy handle, reused so that its connection
/// cache keeps connections alive across requests and across Lambda invocations.
///
/// Not thread-safe, like the easy handle it owns: give each thread its own client.
public final class CurlHTTPClient: HTTPClient {
    public struct Configuration: Sendable {
        public var connectTimeout: Duration = .seconds(3)
        public var defaultTimeout: Duration = .seconds(10)
        /// `nil`: found with `CACertificateFile.resolve` from the environment.
        public var caFile: String?
        public var maximumResponseBytes = 32 << 20
        public var userAgent = "instance-watch/1.0"

        public init() {}

        public static func fromEnvironment(_ environment: [String: String]) -> Configuration {
            var configuration = Configuration()
            configuration.caFile = CACertificateFile.resolve(environment: environment)
            return configuration
        }
    }

    public let configuration: Configuration
    private let handle: UnsafeMutableRawPointer
    /// New TCP connections libcurl opened, in total: what proves that connections are reused.
    public private(set) var connectionsOpened = 0

    public init(configuration: Configuration = .fromEnvironment(ProcessInfo.processInfo.environment)) {
        CurlGlobal.initializeOnce()
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed: out of memory") }
        self.handle = handle
        self.configuration = configuration
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    public func send(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        let host = request.host
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .invalidURL(reason: "only http and https are supported (host \(host))")
        }
        if scheme == "https" && configuration.caFile == nil {
            throw .tlsFailure(
                host: host,
                detail: "no CA certificate file found (looked for \(CACertificateFile.wellKnownLocations.joined(separator: ", "))); set SSL_CERT_FILE"
            )
        }

        // Reset drops the previous request's options but keeps the connection cache.
        curl_easy_reset(handle)
        let accumulator = ResponseAccumulator(limit: configuration.maximumResponseBytes)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for field in request.headers {
            // "Name;" is libcurl's way to send a header with an empty value.
            let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
            headerList = curl_slist_append(headerList, line)
        }
        // An empty "Expect:" stops libcurl from waiting for 100-continue before sending a body.
        headerList = curl_slist_append(headerList, "Expect:")

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let timeout: Duration? = switch request.timeout {
        case .clientDefault: configuration.defaultTimeout
        case .unlimited: nil
        case .after(let duration): duration
        }

        let code: CURLcode = request.body.withUnsafeBytes { bodyBuffer in
            errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
                configure(request: request, scheme: scheme, timeout: timeout, headers: headerList)
                _ = iw_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress)
                let context = Unmanaged.passUnretained(accumulator).toOpaque()
                _ = iw_curl_set_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody)
                _ = iw_curl_set_pointer(handle, CURLOPT_WRITEDATA, context)
                _ = iw_curl_set_callback(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader)
                _ = iw_curl_set_pointer(handle, CURLOPT_HEADERDATA, context)
                if request.method != .get && request.method != .head {
                    // POSTFIELDS is not copied: the body buffer outlives curl_easy_perform here.
                    let bytes = bodyBuffer.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
                    _ = iw_curl_set_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes))
                    _ = iw_curl_set_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bodyBuffer.count))
                }
                let result = curl_easy_perform(handle)
                // The buffer belongs to this scope only; the handle must not keep pointing at it.
                _ = iw_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, nil)
                return result
            }
        }

        var newConnections = 0
        _ = iw_curl_get_long(handle, CURLINFO_NUM_CONNECTS, &newConnections)
        connectionsOpened += newConnections

        guard code == CURLE_OK else {
            let detail = Self.describe(code: code, buffer: errorBuffer, request: request)
            throw Self.error(for: code, host: host, detail: detail, timeout: timeout, accumulator: accumulator)
        }
        var status = 0
        _ = iw_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: accumulator.headers, body: Data(accumulator.body))
    }

    private func configure(request: HTTPRequest, scheme: String, timeout: Duration?, headers: UnsafeMutablePointer<curl_slist>?) {
        _ = iw_curl_set_string(handle, CURLOPT_URL, request.url.absoluteString)
        _ = iw_curl_set_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = iw_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = iw_curl_set_long(handle, CURLOPT_TCP_NODELAY, 1)
        _ = iw_curl_set_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
        _ = iw_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = iw_curl_set_string(handle, CURLOPT_USERAGENT, configuration.userAgent)
        _ = iw_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout.totalMilliseconds))
        _ = iw_curl_set_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout?.totalMilliseconds ?? 0))
        _ = iw_curl_set_headers(handle, headers)
        switch request.method {
        case .get: _ = iw_curl_set_long(handle, CURLOPT_HTTPGET, 1)
        case .head: _ = iw_curl_set_long(handle, CURLOPT_NOBODY, 1)
        case .post: _ = iw_curl_set_long(handle, CURLOPT_POST, 1)
        case .put, .delete:
            _ = iw_curl_set_long(handle, CURLOPT_POST, 1)
            _ = iw_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if scheme == "https" {
            // Peer verification is never turned off; only the trusted CA file is chosen.
            _ = iw_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
            _ = iw_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
            _ = iw_curl_set_string(handle, CURLOPT_CAINFO, configuration.caFile)
            _ = iw_curl_set_string(handle, CURLOPT_CAPATH, nil)
        }
    }

    private static func describe(code: CURLcode, buffer: [CChar], request: HTTPRequest) -> String {
        let fromBuffer = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var detail = fromBuffer.isEmpty ? String(cString: curl_easy_strerror(code)) : fromBuffer
        // libcurl names hosts, not paths, but a path or query in a message would leak a webhook token.
        let secretParts = [request.url.absoluteString, request.url.path(percentEncoded: true), request.url.query(percentEncoded: true)]
        for part in secretParts.compactMap({ $0 }) where part.count > 1 {
            detail = detail.replacing(part, with: "<redacted>")
        }
        return detail
    }

    private static func error(
        for code: CURLcode, host: String, detail: String, timeout: Duration?, accumulator: ResponseAccumulator
    ) -> HTTPClientError {
        switch code {
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL(reason: "libcurl could not use the URL for host \(host)")
        case CURLE_COULDNT_RESOLVE_HOST:
            return .dnsFailure(host: host, detail: detail)
        case CURLE_COULDNT_CONNECT:
            return .connectionFailed(host: host, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(host: host, after: timeout ?? .zero)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED:
            return .tlsFailure(host: host, detail: detail)
        case CURLE_WRITE_ERROR where accumulator.exceededLimit:
            return .responseTooLarge(host: host, limit: accumulator.limit)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM,
             CURLE_WEIRD_SERVER_REPLY:
            return .connectionLost(host: host, detail: detail)
        default:
            return .transport(host: host, code: Int(code.rawValue), detail: detail)
        }
    }
}

/// Collects one response's status line, headers and body from libcurl's callbacks.
private final class ResponseAccumulator {
    let limit: Int
    var body: [UInt8] = []
    var headers = HTTPHeaders()
    var exceededLimit = false

    init(limit: Int) { self.limit = limit }
}

private func curlWriteBody(data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard accumulator.body.count + length <= accumulator.limit else {
        accumulator.exceededLimit = true
        return 0 // anything but `length` makes libcurl abort with CURLE_WRITE_ERROR
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) {
        accumulator.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

/// One header line, read as bytes: a colon splits it, spaces, tabs and the line break are trimmed.
/// (Through String and Character this was an eighth of a warm invocation's instructions.)
private func curlWriteHeader(data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    data.withMemoryRebound(to: UInt8.self, capacity: length) { start in
        let line = UnsafeBufferPointer(start: start, count: length)
        if line.starts(with: "HTTP/".utf8) {
            // A new status line (after a 100 Continue, say) starts a new header block.
            accumulator.headers = HTTPHeaders()
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var first = colon + 1, end = line.count
        while first < end, isSpace(line[first]) { first += 1 }
        while end > first, isSpace(line[end - 1]) { end -= 1 }
        accumulator.headers.add(String(decoding: UnsafeBufferPointer(rebasing: line[..<colon]), as: UTF8.self),
                                String(decoding: UnsafeBufferPointer(rebasing: line[first..<end]), as: UTF8.self))
    }
    return length
}

/// `curl_global_init` must run once, before any handle, and is not thread-safe itself.
private enum CurlGlobal {
    static let initialized: Bool = {
        // OpenSSL would otherwise read the build machine's openssl.cnf path (/usr/lib/ssl), which
        // Lambda does not have: not reading it anywhere makes TLS behave the same here and there,
        // and takes a third off the start-up. It must come first: the first caller's choice sticks.
        _ = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_LOAD_CONFIG), nil)
        return curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    static func initializeOnce() {
        precondition(initialized, "curl_global_init failed")
    }
}
