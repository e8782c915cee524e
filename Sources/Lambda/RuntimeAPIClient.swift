import FoundationEssentials
import CurlHTTP
import Support

/// What the Runtime API answered when it did not accept a call.
public enum RuntimeAPIError: Error, Equatable, CustomStringConvertible {
    /// HTTP 500: the execution environment is broken; the runtime must exit.
    case containerError(operation: String)
    /// 400, 403, 413…: this call was refused (unknown id, answered twice, payload too large).
    case rejected(operation: String, status: Int, message: String)
    case transport(operation: String, HTTPClientError)
    case malformedInvocation(Invocation.ParseError)

    public var description: String {
        switch self {
        case .containerError(let operation):
            return "the Runtime API answered 500 to \(operation): the execution environment is broken"
        case .rejected(let operation, let status, let message):
            return "the Runtime API refused \(operation) with HTTP \(status)\(message.isEmpty ? "" : ": \(message)")"
        case .transport(let operation, let error):
            return "could not reach the Runtime API for \(operation): \(error)"
        case .malformedInvocation(let error):
            return error.description
        }
    }
}

/// The four Runtime API calls over one HTTP client (one kept-alive connection to the Runtime API).
///
/// An answer (response, error report, init error) whose connection fails is sent again: an answer
/// lost on the way is an invocation Lambda can only time out. If the lost attempt had arrived after
/// all, the Runtime API refuses the repeat with 403, which is then taken as delivered.
public final class RuntimeAPIClient {
    /// Attempts at delivering one answer, and the pause after each failed one.
    public static let answerAttempts = 3
    public static let answerRetryDelay = Duration.milliseconds(20)

    public let endpoint: RuntimeAPIEndpoint
    private let http: any HTTPClient
    private let sleep: (Duration) -> Void

    public init(endpoint: RuntimeAPIEndpoint, http: any HTTPClient, sleep: @escaping (Duration) -> Void = sleepThread) {
        self.endpoint = endpoint
        self.http = http
        self.sleep = sleep
    }

    public func next() throws(RuntimeAPIError) -> Invocation {
        let response = try send(NextInvocationRequest().httpRequest(endpoint), operation: "next")
        do {
            return try Invocation(response: response)
        } catch {
            throw .malformedInvocation(error)
        }
    }

    public func respond(_ request: InvocationResponseRequest) throws(RuntimeAPIError) {
        try deliver(request.httpRequest(endpoint), operation: "the response to \(request.requestId)")
    }

    public func reportError(_ request: InvocationErrorRequest) throws(RuntimeAPIError) {
        try deliver(request.httpRequest(endpoint), operation: "the error report for \(request.requestId)")
    }

    public func reportInitializationError(_ request: InitializationErrorRequest) throws(RuntimeAPIError) {
        try deliver(request.httpRequest(endpoint), operation: "init/error")
    }

    /// Sends an answer, again after a transport failure (see the type's comment).
    private func deliver(_ request: HTTPRequest, operation: String) throws(RuntimeAPIError) {
        var attempt = 1
        while true {
            do {
                _ = try send(request, operation: operation)
                return
            } catch .rejected(_, let status, _) where status == 403 && attempt > 1 {
                return
            } catch .transport(_, let error) where error.isTransient && attempt < Self.answerAttempts {
                sleep(Self.answerRetryDelay * attempt)
                attempt += 1
            }
        }
    }

    private func send(_ request: HTTPRequest, operation: String) throws(RuntimeAPIError) -> HTTPResponse {
        let response: HTTPResponse
        do {
            response = try http.send(request)
        } catch {
            throw .transport(operation: operation, error)
        }
        switch response.status {
        case 200..<300:
            return response
        case 500...:
            throw .containerError(operation: operation)
        default:
            let message = (try? JSONDecoder().decode(LambdaErrorReport.self, from: response.body))?.errorMessage
                ?? String(decoding: response.body.prefix(200), as: UTF8.self)
            throw .rejected(operation: operation, status: response.status, message: message)
        }
    }
}
