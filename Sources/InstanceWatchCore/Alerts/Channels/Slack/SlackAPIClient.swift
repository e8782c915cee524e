import FoundationEssentials
import CurlHTTP
import Support

/// Slack's Web API, as far as instance-watch uses it: `chat.postMessage` and `chat.update`, with the
/// app's bot token (a secret: never logged). Slack answers HTTP 200 with `{"ok": false, "error": …}`
/// for most refusals; 429 carries `Retry-After`.
public final class SlackAPIClient: @unchecked Sendable {
    public static let defaultBaseURL = URL(string: "https://slack.com/api")!

    public struct Posted: Sendable, Equatable {
        public var channel: String
        public var ts: String
    }

    public enum Failure: Error, CustomStringConvertible {
        case refused(method: String, error: String)
        case gaveUp(method: String, attempts: Int, lastError: String)

        public var description: String {
            switch self {
            case .refused(let method, let error): return "Slack \(method) refused: \(error)"
            case .gaveUp(let method, let attempts, let lastError): return "Slack \(method) failed after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(lastError)"
            }
        }
    }

    let baseURL: URL
    let token: String
    let http: any HTTPClient
    let retryLoop: RetryLoop

    public init(baseURL: URL = defaultBaseURL, token: String, http: any HTTPClient, retryPolicy: RetryPolicy = .standard) {
        self.baseURL = baseURL
        self.token = token
        self.http = http
        retryLoop = RetryLoop(policy: retryPolicy, clock: { Date() }, sleep: sleepThread)
    }

    /// Posts a message to a channel (an id such as `C024BE91L`, or `#name`) and returns where it is.
    public func postMessage(_ message: SlackMessage, channel: String, deadline: Date?) throws(Failure) -> Posted {
        var message = message
        message.channel = channel
        return try call("chat.postMessage", message, deadline: deadline)
    }

    /// Replaces the message at `channel`/`ts`.
    public func update(_ message: SlackMessage, channel: String, ts: String, deadline: Date?) throws(Failure) {
        struct Update: Encodable {
            let channel: String
            let ts: String
            let text: String
            let attachments: [SlackMessage.Attachment]
        }
        _ = try call("chat.update", Update(channel: channel, ts: ts, text: message.text, attachments: message.attachments), deadline: deadline)
    }

    private struct Answer: Decodable {
        let ok: Bool
        let error: String?
        let channel: String?
        let ts: String?
    }

    private func call<Body: Encodable>(_ method: String, _ body: Body, deadline: Date?) throws(Failure) -> Posted {
        let data: Data
        do {
            data = try JSONEncoder.lambda.encode(body)
        } catch {
            throw .refused(method: method, error: "the message could not be encoded: \(error)")
        }
        let url = baseURL.appending(path: method)
        return try retryLoop.run(deadline: deadline, attempt: { (number, timeout) -> RetryLoop.Outcome<Posted, Failure> in
            let request = HTTPRequest(method: .post, url: url, headers: [
                "Content-Type": "application/json; charset=utf-8", "Authorization": "Bearer \(token)",
            ], body: data, timeout: timeout)
            let response: HTTPResponse
            do throws(HTTPClientError) {
                response = try http.send(request)
            } catch {
                let failure = Failure.gaveUp(method: method, attempts: number, lastError: error.description)
                return error.isTransient ? .retryable(failure) : .final(failure)
            }
            switch response.status {
            case 200:
                guard let answer = try? JSONDecoder().decode(Answer.self, from: response.body) else {
                    return .final(.refused(method: method, error: "an answer that is not Slack's JSON"))
                }
                guard answer.ok else {
                    if answer.error == "ratelimited" { return .retryable(.gaveUp(method: method, attempts: number, lastError: "ratelimited")) }
                    return .final(.refused(method: method, error: String((answer.error ?? "unknown_error").prefix(80))))
                }
                return .success(Posted(channel: answer.channel ?? "", ts: answer.ts ?? ""))
            case 429:
                let retryAfter = response.headers["Retry-After"].flatMap { Int($0.trimmingWhitespace()) }.map { Duration.seconds(max(0, $0)) }
                return .retryable(.gaveUp(method: method, attempts: number, lastError: "HTTP 429 (rate limited)"), pause: retryAfter)
            case 500...:
                return .retryable(.gaveUp(method: method, attempts: number, lastError: "HTTP \(response.status)"))
            default:
                return .final(.refused(method: method, error: "HTTP \(response.status)"))
            }
        }, outOfTime: { (attempts, lastFailure, _) -> Failure in
            if case .gaveUp(_, _, let lastError)? = lastFailure { return .gaveUp(method: method, attempts: attempts, lastError: lastError) }
            return .gaveUp(method: method, attempts: attempts, lastError: "no time left before the deadline")
        })
    }
}
