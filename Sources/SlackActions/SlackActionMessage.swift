import FoundationEssentials
import InstanceWatchCore
import CurlHTTP
import Support

/// What the SlackActionHandler says back through `response_url`: the alert replaced by what was
/// done ("Snoozed until Thu 3 Dec 09:00 UTC by @alice"), or, to the one who clicked alone, why
/// nothing was done.
public enum SlackActionMessage {
    /// - Parameter replacing: the alert the button was on is replaced; a digest, which lists other
    ///   instances too, stays, and the answer goes beside it for the channel to see.
    static func done(_ text: String, replacing: Bool = true) -> SlackMessage {
        let escaped = SlackMessage.escape(text)
        return SlackMessage(text: escaped, channel: nil, attachments: [SlackMessage.Attachment(
            color: SlackAlertMessage.rebalanceColor, fallback: escaped,
            blocks: [.section(escaped), .context("instance-watch")])], replaceOriginal: replacing, responseType: replacing ? nil : "in_channel")
    }

    static func refused(_ reason: String) -> SlackMessage {
        let escaped = SlackMessage.escape("Nothing was done: \(reason).")
        return SlackMessage(text: escaped, channel: nil, attachments: [], replaceOriginal: false, responseType: "ephemeral")
    }

    /// `Thu 3 Dec 09:00 UTC`: how a person reads a time a week away.
    static func when(_ time: UTCDateTime) -> String {
        let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"] // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let text = time.extendedISO8601 // 2026-12-03T09:00:00Z
        let parts = text.split(whereSeparator: { "-T:Z".contains($0) })
        guard parts.count >= 5, let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month) else { return text }
        let weekday = days[Int((time.epochSeconds / 86_400) % 7)]
        return "\(weekday) \(day) \(months[month - 1]) \(parts[3]):\(parts[4]) UTC"
    }

    /// Slack's response URLs are https on slack.com; plain http only to a loopback address (local peers).
    static func isResponseURL(_ url: URL, plainHTTP: WebhookURL.PlainHTTP) -> Bool {
        guard let parsed = WebhookURL.parse(url.absoluteString, plainHTTP: plainHTTP), let host = parsed.host()?.lowercased() else { return false }
        return parsed.scheme == "http" || host == "slack.com" || host.hasSuffix(".slack.com")
    }
}

/// Posts to a `response_url` with the webhook client (retries within the deadline, the URL never logged).
public struct SlackResponseClient: SlackResponding {
    let http: any HTTPClient

    public init(http: any HTTPClient) {
        self.http = http
    }

    public func respond(to url: URL, _ message: SlackMessage, deadline: Date) throws {
        try SlackWebhookClient(webhookURL: url, http: http).post(message, deadline: deadline)
    }
}
