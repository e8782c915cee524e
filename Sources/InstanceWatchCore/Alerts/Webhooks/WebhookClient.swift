import FoundationEssentials
import Lambda
import CurlHTTP
import Support

/// A service that takes messages through a webhook, as its errors name it.
public protocol WebhookService {
    /// `Slack`, `Teams`: in messages and in the error type (`SlackDeliveryFailed`).
    static var name: String { get }
}

public enum SlackService: WebhookService { public static let name = "Slack" }
public enum TeamsService: WebhookService { public static let name = "Teams" }

/// Why a webhook message was not delivered. Names the service, its host and its answer, never the
/// webhook URL, whose path is the credential.
public enum WebhookDeliveryError<Service: WebhookService>: Error, Equatable, CustomStringConvertible, LambdaReportableError {
    case rejected(host: String, status: Int, answer: String)
    case gaveUp(host: String, attempts: Int, lastError: String)

    public var description: String {
        switch self {
        case .rejected(let host, let status, let answer):
            return "\(Service.name) (\(host)) refused the message with HTTP \(status): \(answer)"
        case .gaveUp(let host, let attempts, let lastError):
            return "\(Service.name) (\(host)) did not take the message after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(lastError)"
        }
    }

    public var errorType: String { "\(Service.name)DeliveryFailed" }

    /// What the last attempt met, for a message that says why delivery stopped.
    var lastError: String {
        switch self {
        case .rejected(_, let status, let answer): return "HTTP \(status): \(answer)"
        case .gaveUp(_, _, let lastError): return lastError
        }
    }
}

public typealias SlackDeliveryError = WebhookDeliveryError<SlackService>
public typealias TeamsDeliveryError = WebhookDeliveryError<TeamsService>

/// Slack's incoming webhooks.
public typealias SlackWebhookClient = WebhookClient<SlackService>
/// Microsoft Teams' Workflows webhooks.
public typealias TeamsWebhookClient = WebhookClient<TeamsService>

/// Posts JSON messages to a webhook whose URL is its credential (a Slack incoming webhook, a Teams
/// Workflows webhook), or to an API method whose credential is a header (Slack's Web API). A 429
/// waits the `Retry-After` asked for; 5xx and transport failures are retried with backoff; nothing
/// waits past the caller's deadline. A message that cannot be delivered throws, so the invocation
/// fails and is retried.
public final class WebhookClient<Service: WebhookService> {
    public typealias Failure = WebhookDeliveryError<Service>

    private let webhookURL: URL
    /// Sent with every message besides the content type (a bearer token); never in an error.
    private let headers: HTTPHeaders
    private let http: any HTTPClient
    private let retryLoop: RetryLoop

    public init(webhookURL: URL, http: any HTTPClient, headers: HTTPHeaders = [:], retryPolicy: RetryPolicy = .standard,
                clock: @escaping () -> Date = { Date() }, sleep: @escaping (Duration) -> Void = sleepThread) {
        self.webhookURL = webhookURL
        self.headers = headers
        self.http = http
        self.retryLoop = RetryLoop(policy: retryPolicy, clock: clock, sleep: sleep)
    }

    /// The host the messages go to, for errors (never the URL's path, the credential).
    public var host: String { webhookURL.host() ?? "the webhook" }

    /// Delivers the message and returns the 2xx answer (which an API reads; a webhook's says "ok").
    @discardableResult
    public func send<Message: Encodable>(_ message: Message, deadline: Date?) throws(Failure) -> HTTPResponse {
        let body: Data
        do {
            body = try JSONEncoder.lambda.encode(message)
        } catch {
            throw .rejected(host: host, status: 0, answer: "the message could not be encoded: \(error)")
        }
        return try send(body: body, contentType: "application/json; charset=utf-8", deadline: deadline)
    }

    /// Delivers a body of any type (a form, a file's bytes) with the same retries.
    @discardableResult
    public func send(body: Data, contentType: String, deadline: Date?) throws(Failure) -> HTTPResponse {
        let host = host
        var headers = headers
        headers.replace("Content-Type", contentType)
        return try retryLoop.run(deadline: deadline, attempt: { (number, timeout) -> RetryLoop.Outcome<HTTPResponse, Failure> in
            let request = HTTPRequest(method: .post, url: webhookURL, headers: headers, body: body, timeout: timeout)
            let response: HTTPResponse
            do throws(HTTPClientError) {
                response = try http.send(request)
            } catch {
                let failure = Failure.gaveUp(host: host, attempts: number, lastError: error.description)
                return error.isTransient ? .retryable(failure) : .final(failure)
            }
            switch response.status {
            case 200..<300:
                return .success(response)
            case 429:
                let retryAfter = response.headers["Retry-After"].flatMap { Int($0.trimmingWhitespace()) }.flatMap { $0 >= 0 ? Duration.seconds($0) : nil }
                return .retryable(.gaveUp(host: host, attempts: number, lastError: "HTTP 429 (rate limited)"), pause: retryAfter)
            case 500...:
                return .retryable(.gaveUp(host: host, attempts: number, lastError: "HTTP \(response.status)"))
            default:
                // invalid_payload, no_service, a flow turned off…: retrying cannot help.
                return .final(.rejected(host: host, status: response.status, answer: String(decoding: response.body.prefix(200), as: UTF8.self)))
            }
        }, outOfTime: { (attempts, lastFailure, pause) -> Failure in
            guard let lastError = lastFailure?.lastError else {
                return .gaveUp(host: host, attempts: attempts, lastError: "no time left before the deadline")
            }
            let waiting = pause.map { "; waiting \($0.formattedMilliseconds) more would pass the deadline" } ?? ""
            return .gaveUp(host: host, attempts: attempts, lastError: lastError + waiting)
        })
    }
}

extension WebhookClient: SlackPosting where Service == SlackService {
    public func post(_ message: SlackMessage, deadline: Date?) throws(SlackDeliveryError) {
        try send(message, deadline: deadline)
    }
}

extension WebhookClient: TeamsPosting where Service == TeamsService {
    public func post(_ message: TeamsMessage, deadline: Date?) throws(TeamsDeliveryError) {
        try send(message, deadline: deadline)
    }
}
