import FoundationEssentials

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
public final class RuntimeAPIClient {
    public let endpoint: RuntimeAPIEndpoint
    private let http: any HTTPClient

    public init(endpoint: RuntimeAPIEndpoint, http: any HTTPClient) {
        self.endpoint = endpoint
        self.http = http
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
        _ = try send(request.httpRequest(endpoint), operation: "the response to \(request.requestId)")
    }

    public func reportError(_ request: InvocationErrorRequest) throws(RuntimeAPIError) {
        _ = try send(request.httpRequest(endpoint), operation: "the error report for \(request.requestId)")
    }

    public func reportInitializationError(_ request: InitializationErrorRequest) throws(RuntimeAPIError) {
        _ = try send(request.httpRequest(endpoint), operation: "init/error")
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
