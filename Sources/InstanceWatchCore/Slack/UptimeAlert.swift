import Lambda
import AWS
import CurlHTTP
import Support
/// The Slack message about instances running too long, in the style of the Spot alert: a headline,
/// the instance's fields and a console button; or, in digest mode, one line per instance.
public enum UptimeAlert {
    public static let color = "#E01E5A"
    /// Slack takes 50 blocks a message; the rest of a digest is counted, not listed.
    public static let maximumBlocks = 50

    public static func message(for instance: RunningInstance, now: UTCDateTime, channel: String?) -> SlackMessage {
        let uptime = UptimeNotice.uptime(instance, now)
        let headline = if case .stopped(let after)? = instance.stop {
            "Stopped by instance-watch after \(DurationSetting.describe(seconds: after)): \(instance.id) (\(instance.displayName)), ran \(uptime)"
        } else {
            "Running too long: \(instance.id) (\(instance.displayName)) for \(uptime), limit \(UptimeNotice.limitText(instance.limit))"
        }
        var rows = [
            ("Instance ID", instance.id), ("Name", instance.displayName), ("Type", instance.type ?? "(unknown)"),
            ("Region", instance.region), ("Account", instance.account ?? "(unknown)"),
            ("Running since", instance.since.extendedISO8601), ("Running for", uptime), ("Limit", instance.limit.explained),
        ]
        if let cost = UptimeNotice.costText(instance, now) { rows.append(("Cost", cost)) }
        if let stop = UptimeNotice.stopSentence(instance) { rows.append(("Auto-stop", stop)) }
        let fields = rows.map { "*\($0.0)*\n\(SlackMessage.escape($0.1))" }
        return SlackMessage(
            text: SlackMessage.escape(headline), channel: channel,
            attachments: [SlackMessage.Attachment(
                color: color, fallback: SlackMessage.escape(headline),
                blocks: [
                    .header("Instance running too long"),
                    .section(SlackMessage.escape(headline)),
                    .fields(fields),
                    .button(label: "Open in the EC2 console", url: InterruptionAlert.consoleURL(instanceId: instance.id, region: instance.region)),
                    .context(footer(now)),
                ]
            )]
        )
    }

    /// One message for the run, grouped by account (the account with the longest-running instance
    /// first), longest-running first within each; as many as Slack's 50 blocks hold, the rest counted.
    public static func digest(_ overdue: [RunningInstance], now: UTCDateTime, channel: String?) -> SlackMessage {
        let count = overdue.count == 1 ? "1 instance" : "\(overdue.count) instances"
        let longest = overdue.first.map { ", longest \($0.id) (\($0.displayName)) for \(UptimeNotice.uptime($0, now))" } ?? ""
        let headline = "\(count) running too long\(longest)"
        var blocks: [SlackMessage.Block] = [.header("\(count) running too long")]
        if let total = UptimeNotice.totalCostText(overdue, now) { blocks.append(.context("Cost: \(SlackMessage.escape(total))")) }
        // The header, the footer and the "…and N more" line always fit.
        let room = maximumBlocks - 3
        var listed = 0
        for (account, instances) in UptimeNotice.byAccount(overdue) {
            guard blocks.count - 1 + 2 <= room else { break }
            blocks.append(.context("*Account \(SlackMessage.escape(account ?? "(unknown)"))* · \(instances.count == 1 ? "1 instance" : "\(instances.count) instances")"))
            for instance in instances {
                guard blocks.count - 1 < room else { break }
                let link = "<\(InterruptionAlert.consoleURL(instanceId: instance.id, region: instance.region))|\(SlackMessage.escape(instance.id))>"
                let details = [instance.displayName, instance.type ?? "type unknown", instance.region].map(SlackMessage.escape).joined(separator: " · ")
                var text = "*\(link)*  \(details)\nrunning for *\(UptimeNotice.uptime(instance, now))* since \(instance.since.extendedISO8601) · limit \(SlackMessage.escape(instance.limit.explained))"
                if let cost = UptimeNotice.costText(instance, now) { text += "\n\(SlackMessage.escape(cost))" }
                if let stop = UptimeNotice.stopSentence(instance) { text += "\n\(SlackMessage.escape(stop))" }
                blocks.append(.section(text))
                listed += 1
            }
        }
        if overdue.count > listed {
            blocks.append(.section("…and \(overdue.count - listed) more, not listed here."))
        }
        blocks.append(.context(footer(now)))
        return SlackMessage(
            text: SlackMessage.escape(headline), channel: channel,
            attachments: [SlackMessage.Attachment(color: color, fallback: SlackMessage.escape(headline), blocks: blocks)]
        )
    }

    static func footer(_ now: UTCDateTime) -> String {
        "instance-watch · check of \(now.extendedISO8601) · tag `\(UptimePolicy.overrideTag)` with a duration (`12h`) to allow longer, or `off` to silence"
    }
}
