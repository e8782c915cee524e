import FoundationEssentials
import CurlHTTP
import Support

/// AWS Signature Version 4 with the Authorization header. Pure and deterministic: the time is a
/// parameter, so a test (or the AWS test suite) fixes it and gets the same signature every time.
public struct SigV4Signer: Sendable {
    public let credentials: AWSCredentials
    public let region: String
    public let service: String
    /// Remove `.` and `..` segments and repeated slashes before encoding (every service but S3).
    public var normalizesPath = true
    /// Send and sign `x-amz-content-sha256` with the payload hash.
    public var addsContentHashHeader = false
    /// Add `X-Amz-Security-Token` after signing instead of signing it (a few services want that).
    public var omitsSessionTokenFromSignature = false

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Adds `X-Amz-Date`, the session token and content hash headers as configured, and `Authorization`.
    @discardableResult
    public func sign(_ request: inout SigV4Request, at date: Date) -> SigV4Signature {
        let time = UTCDateTime(date)
        let amzDate = time.basicISO8601
        let payloadHash = Digest.hex(Digest.sha256(request.body))
        request.headers.replace("X-Amz-Date", amzDate)
        if addsContentHashHeader {
            request.headers.replace("x-amz-content-sha256", payloadHash)
        }
        if let token = credentials.sessionToken, !omitsSessionTokenFromSignature {
            request.headers.replace("X-Amz-Security-Token", token)
        }

        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(request.headers)
        let canonicalRequest = [
            request.method.uppercased(),
            canonicalURI(request.path),
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")

        let scope = "\(time.basicDate)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, Digest.hex(Digest.sha256(canonicalRequest.utf8)),
        ].joined(separator: "\n")

        let key = SigningKeyCache.key(secret: credentials.secretAccessKey, date: time.basicDate, region: region, service: service)
        let signature = Digest.hex(Digest.hmacSHA256(key: key, stringToSign.utf8))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        request.headers.replace("Authorization", authorization)
        if let token = credentials.sessionToken, omitsSessionTokenFromSignature {
            request.headers.replace("X-Amz-Security-Token", token)
        }
        return SigV4Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature, authorization: authorization
        )
    }

    /// Signs an HTTP request in place: its URL's path and query, every header it carries plus `Host`.
    @discardableResult
    public func sign(_ request: inout HTTPRequest, at date: Date) -> SigV4Signature {
        if !request.headers.contains("Host") {
            request.headers.add("Host", request.hostHeaderValue)
        }
        var signable = SigV4Request(
            method: request.method.rawValue,
            path: request.url.path(percentEncoded: true),
            query: request.url.query(percentEncoded: true) ?? "",
            headers: request.headers,
            body: Array(request.body)
        )
        let signature = sign(&signable, at: date)
        request.headers = signable.headers
        return signature
    }

    func canonicalURI(_ path: String) -> String {
        let effectivePath = path.isEmpty ? "/" : path
        let normalized = normalizesPath ? Self.removeDotSegments(effectivePath) : effectivePath
        return URIEncoding.encode(normalized, keepingSlashes: true)
    }

    /// RFC 3986 dot-segment removal plus collapsing `//`, keeping a trailing slash.
    static func removeDotSegments(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        var result = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/") && !result.hasSuffix("/") { result += "/" }
        return result
    }

    /// Parameters decoded, re-encoded strictly, then sorted by name and value (not by `name=value`).
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs: [(String, String)] = query.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = URIEncoding.encode(URIEncoding.decode(String(parts[0])))
            let value = parts.count > 1 ? URIEncoding.encode(URIEncoding.decode(String(parts[1]))) : ""
            return (name, value)
        }
        return pairs
            .sorted { lhs, rhs in lhs.0 != rhs.0 ? Array(lhs.0.utf8).lexicographicallyPrecedes(rhs.0.utf8) : Array(lhs.1.utf8).lexicographicallyPrecedes(rhs.1.utf8) }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// Lower-cased names sorted by byte; values trimmed with inner whitespace runs collapsed;
    /// a repeated name gives one line with its values joined by `,` in their original order.
    static func canonicalHeaders(_ headers: HTTPHeaders) -> (canonical: String, signed: String) {
        var valuesByName: [String: [String]] = [:]
        for field in headers {
            let name = asciiLowercased(field.name)
            guard !unsignedHeaders.contains(name) else { continue }
            valuesByName[name, default: []].append(collapseWhitespace(field.value))
        }
        let names = valuesByName.keys.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }
        let canonical = names.map { "\($0):\(valuesByName[$0]!.joined(separator: ","))\n" }.joined()
        return (canonical, names.joined(separator: ";"))
    }

    /// Headers a proxy or libcurl may add, drop or rewrite on the way; signing them would break the signature.
    static let unsignedHeaders: Set<String> = ["authorization", "user-agent", "x-amzn-trace-id", "expect", "connection", "transfer-encoding"]

    /// Header names are ASCII: lower-cased byte by byte, without Unicode's case tables.
    static func asciiLowercased(_ name: String) -> String {
        guard name.utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else { return name }
        return String(decoding: name.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }

    private static func collapseWhitespace(_ value: String) -> String {
        // Most values have nothing to collapse: no tab or line break, no space at either end, no two in a row.
        var previousWasSpace = true
        var clean = true
        for byte in value.utf8 {
            if byte == 0x09 || byte == 0x0A || byte == 0x0D || (byte == 0x20 && previousWasSpace) { clean = false; break }
            previousWasSpace = byte == 0x20
        }
        if clean && !previousWasSpace { return value }
        if value.isEmpty { return value }
        var result = ""
        var pendingSpace = false
        for character in value {
            if character == " " || character == "\t" || character == "\n" || character == "\r" || character == "\r\n" {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(character)
            }
        }
        return result
    }
}
