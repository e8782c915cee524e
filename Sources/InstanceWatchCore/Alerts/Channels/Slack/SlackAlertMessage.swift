import FoundationEssentials
import Support

/// An alert as Slack shows it: a top-level `text` (what notifications and phones show) and one
/// attachment whose colour marks the kind, holding Block Kit blocks: a header, the headline, the
/// facts as fields, a button to the instance in the console, and a footer. Every text that can hold
/// something from an instance is escaped (`SlackMessage.escape`).
public enum SlackAlertMessage {
    public static let uptimeColor = "#E01E5A"
    public static let spotColor = "#FFC300"
    /// A calmer blue: a rebalance recommendation is an early, softer signal.
    public static let rebalanceColor = "#439FE0"
    /// Slack takes 50 blocks a message; the rest of a digest is counted, not listed.
    public static let maximumBlocks = 50

    public static func color(_ kind: Alert.Kind) -> String {
        switch kind {
        case .overdue, .stopped, .held: return uptimeColor
        case .spotInterruption: return spotColor
        case .rebalanceRecommendation: return rebalanceColor
        }
    }

    public static func message(_ alert: Alert, channel: String?) -> SlackMessage {
        let headline = SlackMessage.escape(alert.headline)
        var blocks: [SlackMessage.Block] = [.header(alert.title), .section(headline)]
        // Slack takes ten fields a section.
        for start in stride(from: 0, to: alert.facts.count, by: 10) {
            let facts = alert.facts[start..<min(start + 10, alert.facts.count)]
            blocks.append(.fields(facts.map { "*\($0.label)*\n\(SlackMessage.escape($0.value))" }))
        }
        blocks.append(.button(label: "Open in the EC2 console", url: alert.consoleURL))
        blocks.append(.context(footer(alert)))
        return SlackMessage(
            text: headline, channel: channel,
            attachments: [SlackMessage.Attachment(color: color(alert.kind), fallback: headline, blocks: blocks)]
        )
    }

    /// One message for the run, grouped by account (the account with the longest-running instance
    /// first), longest-running first within each; as many as Slack's 50 blocks hold, the rest counted.
    /// - Parameter menu: in Slack app mode, the actions beside each instance.
    public static func message(_ digest: AlertDigest, channel: String?, menu: ((Alert) -> SlackMessage.Block.Menu?)? = nil) -> SlackMessage {
        var blocks: [SlackMessage.Block] = [.header(digest.title)]
        if let total = digest.totalCost {
            blocks.append(.context("Cost: \(SlackMessage.escape(total))\(digest.idleCost.map { " · idle: \(SlackMessage.escape($0))" } ?? "")"))
        }
        // The header, the footer and the "…and N more" line always fit.
        let room = maximumBlocks - 3
        var listed = 0
        for (account, alerts) in AlertDigest.byAccount(digest.alerts) {
            guard blocks.count - 1 + 2 <= room else { break }
            blocks.append(.context("*Account \(SlackMessage.escape(account ?? "(unknown)"))* · \(alerts.count == 1 ? "1 instance" : "\(alerts.count) instances")"))
            for alert in alerts {
                guard blocks.count - 1 < room, let uptime = alert.uptime else { break }
                let link = "<\(alert.consoleURL)|\(SlackMessage.escape(alert.instanceId))>"
                let details = [uptime.displayName, uptime.type ?? "type unknown", alert.region].map(SlackMessage.escape).joined(separator: " · ")
                var text = "*\(link)*  \(details)\nrunning for *\(uptime.runningFor)* since \(uptime.since.extendedISO8601) · limit \(SlackMessage.escape(uptime.limit))"
                if let reason = alert.undeliveredToOwner {
                    text += "\n:warning: not delivered to its owner \(SlackMessage.escape(alert.owner ?? "(unknown)")): \(SlackMessage.escape(reason))"
                } else if let owner = alert.owner {
                    text += "\nowner \(SlackMessage.escape(owner))"
                }
                if let activity = uptime.activity { text += "\n\(SlackMessage.escape(activity))" }
                if let cost = uptime.cost { text += "\n\(SlackMessage.escape(cost))" }
                if let stop = uptime.autoStop { text += "\n\(SlackMessage.escape(stop))" }
                blocks.append(menu?(alert).map { .menuSection(text, menu: $0) } ?? .section(text))
                listed += 1
            }
        }
        if digest.alerts.count > listed {
            blocks.append(.section("…and \(digest.alerts.count - listed) more, not listed here."))
        }
        if !digest.snoozed.isEmpty {
            blocks.append(.context("*Snoozed* (not alerted): " + digest.snoozed.prefix(10).map(SlackMessage.escape).joined(separator: " · ")
                                   + (digest.snoozed.count > 10 ? " · and \(digest.snoozed.count - 10) more" : "")))
        }
        blocks.append(.context(uptimeFooter(digest.checkedAt)))
        let headline = SlackMessage.escape(digest.headline)
        return SlackMessage(
            text: headline, channel: channel,
            attachments: [SlackMessage.Attachment(color: uptimeColor, fallback: headline, blocks: blocks)]
        )
    }

    /// A note: its title and lines, in the calm colour of an early signal.
    public static func message(_ note: AlertNote, channel: String?) -> SlackMessage {
        let title = SlackMessage.escape(note.title)
        let blocks: [SlackMessage.Block] = [.section("*\(title)*\n" + note.lines.map(SlackMessage.escape).joined(separator: "\n")),
                                            .context("instance-watch · check of \(note.checkedAt.extendedISO8601)")]
        return SlackMessage(text: title, channel: channel,
                            attachments: [SlackMessage.Attachment(color: rebalanceColor, fallback: title, blocks: blocks)])
    }

    static func footer(_ alert: Alert) -> String {
        alert.uptime == nil ? "instance-watch · \(alert.dated.label) \(alert.dated.time.extendedISO8601)" : uptimeFooter(alert.dated.time)
    }

    static func uptimeFooter(_ now: UTCDateTime) -> String {
        "instance-watch · check of \(now.extendedISO8601) · tag `\(UptimePolicy.overrideTag)` with a duration (`12h`) to allow longer, or `off` to silence"
    }
}
