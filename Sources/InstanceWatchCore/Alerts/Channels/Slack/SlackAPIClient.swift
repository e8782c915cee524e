import FoundationEssentials
import CurlHTTP
import Support

/// Slack's Web API, as far as instance-watch uses it: `chat.postMessage` and `chat.update` with the
/// app's bot token (a secret: never logged). It travels like a webhook message (the same retries, 429 with
/// `Retry-After`, the same errors); Slack answers most refusals with HTTP 200 and
/// `{"ok": false, "error": …}`.
public final class SlackAPIClient {
    public static let defaultBaseURL = URL(string: "https://slack.com/api")!

    public struct Posted: Sendable, Equatable {
        public var channel: String
        public var ts: String
    }

    /// What became of an update.
    public enum Updated: Sendable, Equatable {
        case updated
        /// Slack will never take an update of this message (deleted, its channel archived or gone,
        /// the app removed from it): the error Slack gave.
        case gone(String)
    }

    /// Slack's errors for a message that cannot be updated now or later (docs: chat.update, "Errors").
    static let goneErrors: Set<String> = [
        "message_not_found", "channel_not_found", "cant_update_message", "edit_window_closed", "is_archived", "not_in_channel",
    ]

    private let postMessageClient: SlackWebhookClient
    private let updateClient: SlackWebhookClient
    /// A client for any other method, with the token.
    package let methodClient: (String) -> SlackWebhookClient
    package let http: any HTTPClient
    package let retryPolicy: RetryPolicy
    /// Whether an upload URL Slack answers may be plain http (loopback, outside Lambda).
    package let plainHTTP: WebhookURL.PlainHTTP
    package var apiHost: String { postMessageClient.host }

    public init(baseURL: URL = defaultBaseURL, token: String, http: any HTTPClient, retryPolicy: RetryPolicy = .standard,
                plainHTTP: WebhookURL.PlainHTTP = .never) {
        let method: (String) -> SlackWebhookClient = { name in
            SlackWebhookClient(webhookURL: baseURL.appending(path: name), http: http, headers: ["Authorization": "Bearer \(token)"], retryPolicy: retryPolicy)
        }
        postMessageClient = method("chat.postMessage")
        updateClient = method("chat.update")
        methodClient = method
        self.http = http
        self.retryPolicy = retryPolicy
        self.plainHTTP = plainHTTP
    }

    private struct Answer: Decodable {
        let ok: Bool
        let error: String?
        let channel: String?
        let ts: String?
    }

    /// Posts a message to a channel (an id such as `C024BE91L`, or `#name`) and returns where it is.
    public func postMessage(_ message: SlackMessage, channel: String, deadline: Date?) throws(SlackDeliveryError) -> Posted {
        var message = message
        message.channel = channel
        let answer = try call("chat.postMessage", postMessageClient, message, deadline: deadline)
        guard answer.ok else { throw answer.refusal }
        return Posted(channel: answer.channel ?? "", ts: answer.ts ?? "")
    }

    /// Replaces the message at `channel` and `ts` (the app's own) with `message`.
    public func update(_ message: SlackMessage, channel: String, ts: String, deadline: Date?) throws(SlackDeliveryError) -> Updated {
        var message = message
        message.channel = channel
        message.ts = ts
        let answer = try call("chat.update", updateClient, message, deadline: deadline)
        if answer.ok { return .updated }
        if let error = answer.error, Self.goneErrors.contains(error) { return .gone(error) }
        throw answer.refusal
    }

    private struct Call {
        let ok: Bool
        let error: String?
        let channel: String?
        let ts: String?
        let refusal: SlackDeliveryError
    }

    private func call(_ method: String, _ client: SlackWebhookClient, _ message: SlackMessage, deadline: Date?) throws(SlackDeliveryError) -> Call {
        let response = try client.send(message, deadline: deadline)
        let answer = try? JSONDecoder().decode(Answer.self, from: response.body)
        let error = answer.map { $0.ok ? nil : ($0.error ?? "unknown_error") } ?? "an answer that is not Slack's JSON"
        let refusal = SlackDeliveryError.rejected(host: client.host, status: response.status, answer: "\(method): \((error ?? "").prefix(80))")
        return Call(ok: answer?.ok == true, error: answer?.error, channel: answer?.channel, ts: answer?.ts, refusal: refusal)
    }
}
