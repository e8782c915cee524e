import CurlHTTP
import Support
/// Why an AWS call did not succeed, in a form a handler can act on and a person can read.
/// Never carries credentials: only the service, operation, host, codes and messages.
public enum AWSClientError: Error, Equatable, CustomStringConvertible {
    /// The service refused the call (after any retries the error allowed).
    case service(AWSServiceError, attempts: Int)
    /// DynamoDB's `ConditionalCheckFailedException`: the condition said no. Not a failure of the call;
    /// `item` is the item as it stood, when asked for with `ReturnValuesOnConditionCheckFailure`.
    case conditionalCheckFailed(operation: String, item: [String: AttributeValue]?)
    /// No answer at all (DNS, connect, reset, timeout), after any retries.
    case transport(service: AWSService, operation: String, HTTPClientError, attempts: Int)
    /// The caller's deadline left no time for another attempt.
    case deadlineExceeded(service: AWSService, operation: String, attempts: Int, lastError: String)
    /// A 2xx answer that cannot be read as the operation's output.
    case malformedResponse(service: AWSService, operation: String, reason: String)
    /// The call was not sent: its input breaks a rule of the API (e.g. more than 10 batch entries).
    case invalidRequest(service: AWSService, operation: String, reason: String)

    public var description: String {
        switch self {
        case .service(let error, let attempts):
            return error.description + (attempts > 1 ? " after \(attempts) attempts" : "")
        case .conditionalCheckFailed(let operation, _):
            return "DynamoDB \(operation): the condition was not met"
        case .transport(let service, let operation, let error, let attempts):
            return "\(service.displayName) \(operation) failed: \(error)" + (attempts > 1 ? " after \(attempts) attempts" : "")
        case .deadlineExceeded(let service, let operation, let attempts, let lastError):
            return "\(service.displayName) \(operation) gave up before the invocation's deadline after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(lastError)"
        case .malformedResponse(let service, let operation, let reason):
            return "\(service.displayName) \(operation) answered something unreadable: \(reason)"
        case .invalidRequest(let service, let operation, let reason):
            return "\(service.displayName) \(operation) not sent: \(reason)"
        }
    }

    /// The service's error, when there is one.
    public var serviceError: AWSServiceError? {
        if case .service(let error, _) = self { return error }
        return nil
    }
}

extension AWSClientError {
    /// A short, stable name for the failure (`DynamoDB.ProvisionedThroughputExceededException`),
    /// as Lambda records an invocation's error type.
    public var errorType: String {
        switch self {
        case .service(let error, _): return "\(error.service.displayName).\(error.code)"
        case .conditionalCheckFailed: return "DynamoDB.ConditionalCheckFailed"
        case .transport(let service, _, _, _): return "\(service.displayName).Unreachable"
        case .deadlineExceeded(let service, _, _, _): return "\(service.displayName).DeadlineExceeded"
        case .malformedResponse(let service, _, _): return "\(service.displayName).MalformedResponse"
        case .invalidRequest(let service, _, _): return "\(service.displayName).InvalidRequest"
        }
    }
}
