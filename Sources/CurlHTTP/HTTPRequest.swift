import FoundationEssentials
import Support

public enum HTTPMethod: String, Sendable {
    case get = "GET", post = "POST", put = "PUT", delete = "DELETE", head = "HEAD"
}

/// How long one request may take from start to last byte.
public enum HTTPTimeout: Sendable, Equatable {
    /// The client's configured default.
    case clientDefault
    /// No limit: the Runtime API's `next` long-polls while the process may be frozen.
    case unlimited
    case after(Duration)
}

public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    public var url: URL
    public var headers: HTTPHeaders
    public var body: Data
    public var timeout: HTTPTimeout

    public init(
        method: HTTPMethod, url: URL, headers: HTTPHeaders = [:], body: Data = Data(),
        timeout: HTTPTimeout = .clientDefault
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The host the request goes to, for error messages: never the path or query, which may hold secrets
    /// (a Slack webhook's path is its credential).
    public var host: String { url.host() ?? "unknown host" }

    /// `host` or `host:port`, the value a `Host` header must carry for this URL.
    public var hostHeaderValue: String {
        let name = url.host(percentEncoded: true) ?? ""
        guard let port = url.port else { return name }
        let isDefaultPort = (url.scheme == "https" && port == 443) || (url.scheme == "http" && port == 80)
        return isDefaultPort ? name : "\(name):\(port)"
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data

    public init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}
