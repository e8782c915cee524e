import FoundationEssentials
import CurlHTTP
import Support

/// The Runtime API's base, `http://$AWS_LAMBDA_RUNTIME_API/2018-06-01`.
public struct RuntimeAPIEndpoint: Sendable, Equatable {
    public static let version = "2018-06-01"
    public let base: String

    /// `hostAndPort` is `AWS_LAMBDA_RUNTIME_API` as Lambda sets it (`127.0.0.1:9001`).
    public init?(hostAndPort: String) {
        guard !hostAndPort.isEmpty, !hostAndPort.contains("/"), URL(string: "http://\(hostAndPort)/")?.host() != nil else {
            return nil
        }
        base = "http://\(hostAndPort)/\(Self.version)"
    }

    func url(_ path: String) -> URL {
        URL(string: base + path)!
    }

    /// Request ids come from the Runtime API; they are encoded so that no id can change the path.
    func invocationURL(_ requestId: String, _ action: String) -> URL {
        url("/runtime/invocation/\(URIEncoding.encode(requestId))/\(action)")
    }
}
