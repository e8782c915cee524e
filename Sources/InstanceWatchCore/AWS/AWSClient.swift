import FoundationEssentials

/// Sends AWS API calls: builds the protocol's request, signs it (again on every attempt: the
/// signature carries the time), and retries throttling, 5xx and transport failures with backoff,
/// within a bounded number of attempts and never past the caller's deadline.
///
/// One client per process, shared by the service clients, so every call reuses one libcurl handle
/// and its kept-alive connections.
public final class AWSClient {
    public let environment: AWSEnvironment
    public let retryPolicy: RetryPolicy
    private let http: any HTTPClient
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
    public func callJSON<Input: Encodable, Output: Decodable>(
        _ service: AWSService, targetPrefix: String, jsonVersion: String, operation: String,
        input: Input, deadline: Date?, as output: Output.Type = Output.self
    ) throws(AWSClientError) -> Output {
        let body: Data
        do {
            body = try JSONEncoder.lambda.encode(input)
        } catch {
            throw .invalidRequest(service: service, operation: operation, reason: "could not encode the input: \(error)")
        }
        let headers: HTTPHeaders = [
            "Content-Type": "application/x-amz-json-\(jsonVersion)",
            "X-Amz-Target": "\(targetPrefix).\(operation)",
        ]
        let response = try send(service, operation: operation, headers: headers, body: body, deadline: deadline)
        do {
            return try JSONDecoder().decode(Output.self, from: response.body.isEmpty ? Data("{}".utf8) : response.body)
        } catch {
            throw .malformedResponse(service: service, operation: operation, reason: "\(error)")
        }
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
    func send(_ service: AWSService, operation: String, headers: HTTPHeaders, body: Data, deadline: Date?) throws(AWSClientError) -> HTTPResponse {
        var attempt = 0
        var lastFailure = ""
        while true {
            attempt += 1
            var request = HTTPRequest(method: .post, url: environment.endpoint(for: service), headers: headers, body: body)
            if let deadline {
                let remaining = Self.duration(from: clock(), to: deadline)
                guard remaining >= retryPolicy.minimumAttemptTime else {
                    throw .deadlineExceeded(service: service, operation: operation, attempts: attempt - 1,
                                            lastError: lastFailure.isEmpty ? "no time left for a first attempt" : lastFailure)
                }
                request.timeout = .after(min(remaining, Self.attemptTimeout))
            }
            environment.signer(for: service).sign(&request, at: clock())

            let failure: AWSClientError
            let retryable: Bool
            do {
                let response = try http.send(request)
                if response.isSuccess { return response }
                let error = AWSServiceError.parse(response, service: service, operation: operation)
                if error.code == "ConditionalCheckFailedException" {
                    throw AWSClientError.conditionalCheckFailed(operation: operation, item: Self.itemInConditionFailure(response.body))
                }
                failure = .service(error, attempts: attempt)
                retryable = error.isRetryable
            } catch let error as AWSClientError {
                throw error
            } catch let error as HTTPClientError {
                failure = .transport(service: service, operation: operation, error, attempts: attempt)
                retryable = error.isTransient
            } catch {
                failure = .malformedResponse(service: service, operation: operation, reason: "\(error)")
                retryable = false
            }
            guard retryable, attempt < retryPolicy.maximumAttempts else { throw failure }
            lastFailure = failure.description

            let pause = retryPolicy.delay(afterAttempt: attempt, fraction: randomFraction())
            if let deadline, Self.duration(from: clock(), to: deadline) < pause + retryPolicy.minimumAttemptTime {
                throw .deadlineExceeded(service: service, operation: operation, attempts: attempt, lastError: lastFailure)
            }
            sleep(pause)
        }
    }

    /// No single attempt waits longer than this, deadline or not.
    static let attemptTimeout = Duration.seconds(10)

    private static func duration(from start: Date, to end: Date) -> Duration {
        .milliseconds(Int64(((end.timeIntervalSince1970 - start.timeIntervalSince1970) * 1000).rounded(.down)))
    }

    private static func itemInConditionFailure(_ body: Data) -> DynamoDBItem? {
        struct Failure: Decodable { let Item: DynamoDBItem? }
        return (try? JSONDecoder().decode(Failure.self, from: body))?.Item
    }
}
