import FoundationEssentials

/// Why a Slack message was not delivered. Names Slack's host and answer, never the webhook URL,
/// whose path is the credential.
public enum SlackDeliveryError: Error, Equatable, CustomStringConvertible, LambdaReportableError {
    case rejected(host: String, status: Int, answer: String)
    case gaveUp(host: String, attempts: Int, lastError: String)

    public var description: String {
        switch self {
        case .rejected(let host, let status, let answer):
            return "Slack (\(host)) refused the message with HTTP \(status): \(answer)"
        case .gaveUp(let host, let attempts, let lastError):
            return "Slack (\(host)) did not take the message after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(lastError)"
        }
    }

    public var errorType: String { "SlackDeliveryFailed" }
}

/// Posts messages to a Slack incoming webhook. A 429 waits the `Retry-After` Slack asks for; 5xx
/// and transport failures are retried with backoff; nothing waits past the caller's deadline. A
/// message that cannot be delivered throws, so the invocation fails and EventBridge retries it.
public final class SlackWebhookClient {
    private let webhookURL: URL
    private let http: any HTTPClient
    private let retryPolicy: RetryPolicy
    private let clock: () -> Date
    private let sleep: (Duration) -> Void

    public init(webhookURL: URL, http: any HTTPClient, retryPolicy: RetryPolicy = .standard,
                clock: @escaping () -> Date = { Date() }, sleep: @escaping (Duration) -> Void = sleepThread) {
        self.webhookURL = webhookURL
        self.http = http
        self.retryPolicy = retryPolicy
        self.clock = clock
        self.sleep = sleep
    }

    public func post(_ message: SlackMessage, deadline: Date?) throws(SlackDeliveryError) {
        let host = webhookURL.host() ?? "Slack"
        let body: Data
        do {
            body = try JSONEncoder.lambda.encode(message)
        } catch {
            throw .rejected(host: host, status: 0, answer: "the message could not be encoded: \(error)")
        }
        var attempt = 0
        var lastError = ""
        while true {
            attempt += 1
            var request = HTTPRequest(method: .post, url: webhookURL, headers: ["Content-Type": "application/json; charset=utf-8"], body: body)
            if let deadline {
                let remaining = Self.milliseconds(from: clock(), to: deadline)
                guard remaining >= retryPolicy.minimumAttemptTime.totalMilliseconds else {
                    throw .gaveUp(host: host, attempts: attempt - 1, lastError: lastError.isEmpty ? "no time left before the deadline" : lastError)
                }
                request.timeout = .after(.milliseconds(min(remaining, 10_000)))
            }
            var pause = retryPolicy.delay(afterAttempt: attempt, fraction: Double.random(in: 0..<1))
            do {
                let response = try http.send(request)
                switch response.status {
                case 200..<300:
                    return
                case 429:
                    lastError = "HTTP 429 (rate limited)"
                    if let seconds = response.headers["Retry-After"].flatMap({ Int($0.trimmingWhitespace()) }), seconds >= 0 {
                        pause = .seconds(seconds)
                    }
                case 500...:
                    lastError = "HTTP \(response.status)"
                default:
                    // invalid_payload, no_service, channel_not_found…: retrying cannot help.
                    throw SlackDeliveryError.rejected(host: host, status: response.status, answer: String(decoding: response.body.prefix(200), as: UTF8.self))
                }
            } catch let error as SlackDeliveryError {
                throw error
            } catch let error as HTTPClientError {
                guard error.isTransient else { throw .gaveUp(host: host, attempts: attempt, lastError: error.description) }
                lastError = error.description
            } catch {
                throw .gaveUp(host: host, attempts: attempt, lastError: "\(error)")
            }
            guard attempt < retryPolicy.maximumAttempts else { throw .gaveUp(host: host, attempts: attempt, lastError: lastError) }
            if let deadline, Self.milliseconds(from: clock(), to: deadline) < pause.totalMilliseconds + retryPolicy.minimumAttemptTime.totalMilliseconds {
                throw .gaveUp(host: host, attempts: attempt, lastError: lastError + "; waiting \(pause.formattedMilliseconds) more would pass the deadline")
            }
            sleep(pause)
        }
    }

    private static func milliseconds(from start: Date, to end: Date) -> Int64 {
        Int64(((end.timeIntervalSince1970 - start.timeIntervalSince1970) * 1000).rounded(.down))
    }
}
