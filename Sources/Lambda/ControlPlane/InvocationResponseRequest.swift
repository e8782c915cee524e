import FoundationEssentials
import CurlHTTP
import Support

/// `POST /runtime/invocation/{id}/response`: the handler's JSON result.
public struct InvocationResponseRequest: Sendable {
    /// Lambda's limit for a synchronous response payload.
    public static let maximumPayloadBytes = 6 * 1024 * 1024

    public let requestId: String
    public let payload: Data

    public init(requestId: String, payload: Data) {
        self.requestId = requestId
        self.payload = payload
    }

    public func httpRequest(_ endpoint: RuntimeAPIEndpoint) -> HTTPRequest {
        HTTPRequest(
            method: .post, url: endpoint.invocationURL(requestId, "response"),
            headers: ["Content-Type": "application/json"], body: payload
        )
    }
}
