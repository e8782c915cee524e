import FoundationEssentials
import Support

/// Closes alerts in place in Slack app mode: the message whose buttons asked to snooze or stop an
/// instance says, once the instance no longer runs, how it ended, without buttons (`chat.update`).
/// The record then forgets the message, so each alert is closed once.
public struct SlackAlertCloser: EndedAlertClosing {
    /// Updates per run at most; the rest wait for the next run (Slack allows chat.update about 50 a minute).
    public static let perRun = 20
    public static let color = "#9E9E9E"

    let api: SlackAPIClient
    let ledger: any SlackMessageLedger

    public init(api: SlackAPIClient, ledger: any SlackMessageLedger) {
        self.api = api
        self.ledger = ledger
    }

    /// What the alert becomes: the instance, how it ended, and the console link; no buttons.
    static func message(_ alert: EndedAlert) -> SlackMessage {
        let link = "<\(Alert.consoleURL(instanceId: alert.instanceId, region: alert.region ?? ""))|\(SlackMessage.escape(alert.instanceId))>"
        let text = "\(alert.instanceId) \(alert.summary)"
        return SlackMessage(text: SlackMessage.escape(text), channel: nil, attachments: [SlackMessage.Attachment(
            color: color, fallback: SlackMessage.escape(text),
            blocks: [.section("*\(link)* \(SlackMessage.escape(alert.summary)): no longer running, so this alert is closed."),
                     .context("instance-watch")])])
    }

    /// What a digest becomes: what happened to each instance it listed; no menus.
    static func message(_ digest: EndedDigest) -> SlackMessage {
        let shown = digest.instances.prefix(20).map { "\($0.id) \($0.ending)" }
        let more = digest.instances.count > shown.count ? " and \(digest.instances.count - shown.count) more" : ""
        let text = "instance-watch digest closed: nothing in it can be acted on any more (\(shown.joined(separator: ", "))\(more))"
        return SlackMessage(text: SlackMessage.escape(text), channel: nil, attachments: [SlackMessage.Attachment(
            color: color, fallback: SlackMessage.escape(text),
            blocks: [.section(SlackMessage.escape(text)), .context("instance-watch")])])
    }

    public func close(digests: [EndedDigest], deadline: Date) -> (closed: [String], problems: [String]) {
        closeEach(digests, what: { "the Slack digest \($0.ts)" }, message: Self.message, channel: \.channel, ts: \.ts,
                  closed: { digest in "digest \(digest.ts): \(digest.instances.map { "\($0.id) \($0.ending)" }.joined(separator: ", "))" },
                  forget: { digest in for instance in digest.instances { try ledger.forgetDigest(instanceId: instance.id, ts: digest.ts, deadline: deadline) } },
                  deadline: deadline)
    }

    public func close(_ alerts: [EndedAlert], deadline: Date) -> (closed: [String], problems: [String]) {
        closeEach(alerts, what: { "the Slack alert of \($0.instanceId)" }, message: Self.message, channel: \.channel, ts: \.ts,
                  closed: { "\($0.instanceId): \($0.summary)" },
                  forget: { try ledger.forgetPosted(instanceId: $0.instanceId, ts: $0.ts, deadline: deadline) }, deadline: deadline)
    }

    /// Replaces each message (at most `perRun`), then has its records forget it. A message Slack no
    /// longer has is forgotten too; Slack or the table unavailable leaves it for the next run.
    private func closeEach<Item>(_ items: [Item], what: (Item) -> String, message: (Item) -> SlackMessage, channel: KeyPath<Item, String>,
                                 ts: KeyPath<Item, String>, closed describeClosed: (Item) -> String,
                                 forget: (Item) throws -> Void, deadline: Date) -> (closed: [String], problems: [String]) {
        var closed: [String] = [], problems: [String] = []
        for item in items.prefix(Self.perRun) {
            do {
                if case .gone(let reason) = try api.update(message(item), channel: item[keyPath: channel], ts: item[keyPath: ts], deadline: deadline) {
                    problems.append("\(what(item)) could not be closed (\(reason)); it is forgotten")
                } else {
                    closed.append(describeClosed(item))
                }
                try forget(item)
            } catch {
                problems.append("closing \(what(item)) failed (the next run tries again): \(error)")
            }
        }
        return (closed, problems)
    }
}
