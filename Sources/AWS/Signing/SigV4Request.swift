import FoundationEssentials
import CurlHTTP
import Support

/// The parts of an HTTP request that Signature Version 4 covers, as they go on the wire.
public struct SigV4Request: Sendable {
    public var method: String
    /// The path as sent; it is URI-encoded once more for the canonical request (non-S3 services).
    public var path: String
    /// The query string without `?`; parameters are decoded and re-encoded canonically.
    public var query: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, path: String, query: String = "", headers: HTTPHeaders, body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// Everything a signature was derived from, kept so tests compare each step against the suite.
public struct SigV4Signature: Sendable, Equatable {
    public let canonicalRequest: String
    public let stringToSign: String
    public let signature: String
    public let authorization: String
}
