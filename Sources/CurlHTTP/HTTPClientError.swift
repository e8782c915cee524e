import Support
/// What went wrong with a request, and where. Messages name the host only: URLs can carry secrets
/// (a Slack webhook URL is its own credential), and no header value is ever repeated here.
public enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    case invalidURL(reason: String)
    case dnsFailure(host: String, detail: String)
    case connectionFailed(host: String, detail: String)
    case timedOut(host: String, after: Duration)
    case tlsFailure(host: String, detail: String)
    /// The connection broke mid-exchange: reset, closed early, or a body cut short.
    case connectionLost(host: String, detail: String)
    case responseTooLarge(host: String, limit: Int)
    /// A status the caller did not accept; raised by callers through `HTTPResponse.requireSuccess`.
    case unexpectedStatus(host: String, status: Int)
    case transport(host: String, code: Int, detail: String)

    public var description: String {
        switch self {
        case .invalidURL(let reason):
            return "invalid URL: \(reason)"
        case .dnsFailure(let host, let detail):
            return "could not resolve host \(host) (DNS): \(detail)"
        case .connectionFailed(let host, let detail):
            return "could not connect to \(host): \(detail)"
        case .timedOut(let host, let after):
            return "request to \(host) timed out after \(after.formattedMilliseconds)"
        case .tlsFailure(let host, let detail):
            return "TLS failure with \(host): \(detail)"
        case .connectionLost(let host, let detail):
            return "connection to \(host) lost: \(detail)"
        case .responseTooLarge(let host, let limit):
            return "response from \(host) exceeds \(limit) bytes"
        case .unexpectedStatus(let host, let status):
            return "\(host) answered HTTP \(status)"
        case .transport(let host, let code, let detail):
            return "request to \(host) failed (curl error \(code)): \(detail)"
        }
    }

    /// Whether trying again may help: the network or the peer may recover, a bad certificate or URL will not.
    public var isTransient: Bool {
        switch self {
        case .dnsFailure, .connectionFailed, .timedOut, .connectionLost, .transport:
            return true
        case .unexpectedStatus(_, let status):
            return status == 429 || status >= 500
        case .invalidURL, .tlsFailure, .responseTooLarge:
            return false
        }
    }
}

extension HTTPResponse {
    /// Returns the response if its status is 2xx, else throws `unexpectedStatus` naming the host.
    public func requireSuccess(from host: String) throws(HTTPClientError) -> HTTPResponse {
        guard isSuccess else { throw .unexpectedStatus(host: host, status: status) }
        return self
    }
}
