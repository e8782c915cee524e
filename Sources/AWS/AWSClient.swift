import FoundationEssentials
import CurlHTTP
import Support

/// Sends AWS API calls: builds the protocol's request, signs it (again on every attempt: the
/// signature carries the time), and retries throttling, 5xx and transport failures with backoff,
/// within a bounded number of attempts and never past the caller's deadline.
///
/// One client per process, shared by the service clients, so every call reuses one libcurl handle
/// and its kept-alive connections.
public final class AWSClient {
    public let environment: AWSEnvironment
    public let retryPolicy: RetryPolicy
    /// The handle every call goes through; other clients made on this thread may share it.
    public let http: any HTTPClient
    private let clock: () -> Date
    private let sleep: (Duration) -> Void
    private let randomFraction: () -> Double

    public init(
        environment: AWSEnvironment, http: any HTTPClient, retryPolicy: RetryPolicy = .standard,
        clock: @escaping () -> Date = { Date() }, sleep: @escaping (Duration) -> Void = sleepThread,
        randomFraction: @escaping () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.environment = environment
        self.http = http
        self.retryPolicy = retryPolicy
        self.clock = clock
        self.sleep = sleep
        self.randomFraction = randomFraction
    }

    /// An AWS JSON protocol call (DynamoDB 1.0, SSM 1.1): `X-Amz-Target: <prefix>.<operation>`.
    /// What a service client makes of one of its own errors before the generic rules apply (DynamoDB's
    /// failed condition is an answer, not a failure): nil leaves the error as it is.
    public typealias ServiceErrorRecognizer = @Sendable (_ error: AWSServiceError, _ body: Data) -> AWSClientError?

    public func callJSON<Input: Encodable, Output: Decodable>(
        _ service: AWSService, targetPrefix: String, jsonVersion: String, operation: String,
        input: Input, deadline: Date?, as output: Output.Type = Output.self, recognizing recognize: ServiceErrorRecognizer? = nil
    ) throws(AWSClientError) -> Output {
        let body = try callJSONBody(service, targetPrefix: targetPrefix, jsonVersion: jsonVersion, operation: operation, input: input,
                                    deadline: deadline, recognizing: recognize)
        do {
            return try JSONDecoder().decode(Output.self, from: body.isEmpty ? Data("{}".utf8) : body)
        } catch {
            throw .malformedResponse(service: service, operation: operation, reason: "\(error)")
        }
    }

    /// The same call, answering the 2xx body's bytes, for a caller that reads them itself.
    public func callJSONBody<Input: Encodable>(
        _ service: AWSService, targetPrefix: String, jsonVersion: String, operation: String, input: Input, deadline: Date?,
        recognizing recognize: ServiceErrorRecognizer? = nil
    ) throws(AWSClientError) -> Data {
        let body: Data
        do {
            body = try JSONEncoder.lambda.encode(input)
        } catch {
            throw .invalidRequest(service: service, operation: operation, reason: "could not encode the input: \(error)")
        }
        return try callJSONBody(service, targetPrefix: targetPrefix, jsonVersion: jsonVersion, operation: operation, body: body, deadline: deadline,
                                recognizing: recognize)
    }

    /// The same call with its input written already (`JSONWriter`).
    public func callJSONBody(
        _ service: AWSService, targetPrefix: String, jsonVersion: String, operation: String, body: Data, deadline: Date?,
        recognizing recognize: ServiceErrorRecognizer? = nil
    ) throws(AWSClientError) -> Data {
        let headers: HTTPHeaders = [
            "Content-Type": "application/x-amz-json-\(jsonVersion)",
            "X-Amz-Target": "\(targetPrefix).\(operation)",
        ]
        return try send(service, operation: operation, headers: headers, body: body, deadline: deadline, recognizing: recognize).body
    }

    /// An AWS query protocol call (SNS, EC2): a form-encoded POST whose answer is XML.
    public func callQuery(
        _ service: AWSService, action: String, version: String, parameters: [(String, String)], deadline: Date?
    ) throws(AWSClientError) -> XMLElement {
        let form = ([("Action", action), ("Version", version)] + parameters)
            .map { "\(URIEncoding.formEncode($0.0))=\(URIEncoding.formEncode($0.1))" }
            .joined(separator: "&")
        let headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"]
        let response = try send(service, operation: action, headers: headers, body: Data(form.utf8), deadline: deadline)
        do {
            return try XMLElement.parse(response.body)
        } catch {
            throw .malformedResponse(service: service, operation: action, reason: "\(error)")
        }
    }

    /// Sends one operation with retries and returns its 2xx response.
    func send(_ service: AWSService, operation: String, headers: HTTPHeaders, body: Data, deadline: Date?,
              recognizing recognize: ServiceErrorRecognizer? = nil) throws(AWSClientError) -> HTTPResponse {
        let loop = RetryLoop(policy: retryPolicy, clock: clock, sleep: sleep, randomFraction: randomFraction)
        return try loop.run(deadline: deadline, attempt: { (number, timeout) -> RetryLoop.Outcome<HTTPResponse, AWSClientError> in
            var request = HTTPRequest(method: .post, url: environment.endpoint(for: service), headers: headers, body: body, timeout: timeout)
            // Signed on every attempt: the signature carries the time.
            environment.signer(for: service).sign(&request, at: clock())
            let response: HTTPResponse
            do throws(HTTPClientError) {
                response = try http.send(request)
            } catch {
                let failure = AWSClientError.transport(service: service, operation: operation, error, attempts: number)
                return error.isTransient ? .retryable(failure) : .final(failure)
            }
            if response.isSuccess { return .success(response) }
            let error = AWSServiceError.parse(response, service: service, operation: operation)
            if let recognized = recognize?(error, response.body) { return .final(recognized) }
            return error.isRetryable ? .retryable(.service(error, attempts: number)) : .final(.service(error, attempts: number))
        }, outOfTime: { (attempts, lastFailure, _) -> AWSClientError in
            .deadlineExceeded(service: service, operation: operation, attempts: attempts,
                              lastError: lastFailure?.description ?? "no time left for a first attempt")
        })
    }

}
