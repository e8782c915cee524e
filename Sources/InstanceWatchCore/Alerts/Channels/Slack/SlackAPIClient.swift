import FoundationEssentials
import CurlHTTP
import Support

/// Slack's Web API, as far as instance-watch uses it: `chat.postMessage` with the app's bot token
/// (a secret: never logged). It travels like a webhook message (the same retries, 429 with
/// `Retry-After`, the same errors); Slack answers most refusals with HTTP 200 and
/// `{"ok": false, "error": …}`.
public final class SlackAPIClient {
    public static let defaultBaseURL = URL(string: "https://slack.com/api")!

    public struct Posted: Sendable, Equatable {
        public var channel: String
        public var ts: String
    }

    private let postMessageClient: SlackWebhookClient

    public init(baseURL: URL = defaultBaseURL, token: String, http: any HTTPClient, retryPolicy: RetryPolicy = .standard) {
        postMessageClient = SlackWebhookClient(webhookURL: baseURL.appending(path: "chat.postMessage"), http: http,
                                               headers: ["Authorization": "Bearer \(token)"], retryPolicy: retryPolicy)
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
        let response = try postMessageClient.send(message, deadline: deadline)
        let answer = try? JSONDecoder().decode(Answer.self, from: response.body)
        guard let answer, answer.ok else {
            let error = answer.map { $0.error ?? "unknown_error" } ?? "an answer that is not Slack's JSON"
            throw .rejected(host: postMessageClient.host, status: response.status, answer: "chat.postMessage: \(error.prefix(80))")
        }
        return Posted(channel: answer.channel ?? "", ts: answer.ts ?? "")
    }
}
