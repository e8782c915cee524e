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
        var closed: [String] = [], problems: [String] = []
        for digest in digests.prefix(Self.perRun) {
            do {
                if case .gone(let reason) = try api.update(Self.message(digest), channel: digest.channel, ts: digest.ts, deadline: deadline) {
                    problems.append("the Slack digest \(digest.ts) could not be closed (\(reason)); it is forgotten")
                } else {
                    closed.append("digest \(digest.ts): \(digest.instances.map { "\($0.id) \($0.ending)" }.joined(separator: ", "))")
                }
                for instance in digest.instances { try ledger.forgetDigest(instanceId: instance.id, ts: digest.ts, deadline: deadline) }
            } catch {
                problems.append("closing the Slack digest \(digest.ts) failed (the next run tries again): \(error)")
            }
        }
        return (closed, problems)
    }

    public func close(_ alerts: [EndedAlert], deadline: Date) -> (closed: [String], problems: [String]) {
        var closed: [String] = [], problems: [String] = []
        // The rest keep their message on the record, for the next run.
        for alert in alerts.prefix(Self.perRun) {
            do {
                if case .gone(let reason) = try api.update(Self.message(alert), channel: alert.channel, ts: alert.ts, deadline: deadline) {
                    problems.append("the Slack alert of \(alert.instanceId) could not be closed (\(reason)); it is forgotten")
                } else {
                    closed.append("\(alert.instanceId): \(alert.summary)")
                }
                try ledger.forgetPosted(instanceId: alert.instanceId, ts: alert.ts, deadline: deadline)
            } catch {
                // Slack or the table unavailable: the record keeps the message, and the next run tries again.
                problems.append("closing the Slack alert of \(alert.instanceId) failed (the next run tries again): \(error)")
            }
        }
        return (closed, problems)
    }
}
