import FoundationEssentials
import CurlHTTP
import Support

/// `GET /runtime/invocation/next`: long-polls for the next event. No timeout: between invocations
/// the process is frozen, and the call may stay open for as long as the environment lives.
public struct NextInvocationRequest: Sendable {
    public init() {}

    public func httpRequest(_ endpoint: RuntimeAPIEndpoint) -> HTTPRequest {
        HTTPRequest(method: .get, url: endpoint.url("/runtime/invocation/next"), timeout: .unlimited)
    }
}

/// One event and its context headers, as `next` delivers them.
public struct Invocation: Sendable {
    public let requestId: String
    public let deadlineEpochMilliseconds: Int64
    public let invokedFunctionArn: String
    public let traceId: String?
    public let event: Data

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case missingHeader(String)
        /// The id is known, so the invocation can still be answered with this error.
        case invalidDeadline(String, requestId: String)

        public var description: String {
            switch self {
            case .missingHeader(let name): return "the Runtime API's next invocation has no \(name) header"
            case .invalidDeadline(let value, _): return "the Runtime API's Lambda-Runtime-Deadline-Ms \"\(value)\" is not a number of milliseconds"
            }
        }
    }

    public init(response: HTTPResponse) throws(ParseError) {
        guard let requestId = response.headers["Lambda-Runtime-Aws-Request-Id"], !requestId.isEmpty else {
            throw .missingHeader("Lambda-Runtime-Aws-Request-Id")
        }
        let deadlineText = response.headers["Lambda-Runtime-Deadline-Ms"] ?? ""
        guard let deadline = Int64(deadlineText), deadline > 0 else { throw .invalidDeadline(deadlineText, requestId: requestId) }
        self.requestId = requestId
        self.deadlineEpochMilliseconds = deadline
        self.invokedFunctionArn = response.headers["Lambda-Runtime-Invoked-Function-Arn"] ?? ""
        self.traceId = response.headers["Lambda-Runtime-Trace-Id"].flatMap { $0.isEmpty ? nil : $0 }
        self.event = response.body
    }
}
