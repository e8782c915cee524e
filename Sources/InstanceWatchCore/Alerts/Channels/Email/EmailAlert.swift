import Lambda
import AWS
import CurlHTTP
import Support
/// The e-mail (SNS) form of an alert: the subject the alert carries, and a plain-text body a person
/// reads in a mail client; a digest lists up to `digestListLimit` instances, by account.
public enum EmailAlert {
    /// A digest lists this many instances at most; SNS takes 256 KB, and nobody reads further.
    public static let digestListLimit = 200

    public static func subject(_ alert: Alert) -> String { alert.subject }

    public static func body(_ alert: Alert) -> String {
        var rows = alert.facts.map { ($0.label, $0.value) }
        rows.append(("Console", alert.consoleURL))
        let table = rows.map { "  " + $0.0.padding(toLength: 15) + $0.1 }.joined(separator: "\n")
        let closing = alert.uptime == nil ? "" : "\n\n" + UptimeWording.advice
        return """
            \(alert.summary)

            \(table)\(closing)

            instance-watch, \(alert.dated.label) \(alert.dated.time.extendedISO8601)
            """
    }

    public static func subject(_ digest: AlertDigest) -> String { digest.subject }

    /// Grouped by account (an organisation's digest reads account by account), the account with the
    /// longest-running instance first; within each, longest-running first.
    public static func body(_ digest: AlertDigest) -> String {
        let count = digest.alerts.count == 1 ? "1 instance has" : "\(digest.alerts.count) instances have"
        var lines = ["\(count) been running longer than allowed, by account, longest first:", ""]
        if let total = digest.totalCost {
            lines.insert("Cost: \(total).\(digest.idleCost.map { " Idle: \($0)." } ?? "")", at: 1)
            lines.insert("", at: 1)
        }
        var number = 0
        for (account, alerts) in AlertDigest.byAccount(digest.alerts.prefix(digestListLimit)) {
            lines.append("Account \(account ?? "(unknown)") (\(alerts.count == 1 ? "1 instance" : "\(alerts.count) instances")):")
            lines.append("")
            for alert in alerts {
                guard let uptime = alert.uptime else { continue }
                number += 1
                lines.append("\(number). \(alert.instanceId) (\(uptime.displayName)), \(uptime.type ?? "type unknown"), \(alert.region)")
                lines.append("   running for \(uptime.runningFor) since \(uptime.since.extendedISO8601); limit \(uptime.limit)")
                if let reason = alert.undeliveredToOwner {
                    lines.append("   NOT DELIVERED to its owner \(alert.owner ?? "(unknown)"): \(reason)")
                } else if let owner = alert.owner {
                    lines.append("   owner \(owner)")
                }
                if let activity = uptime.activity { lines.append("   \(activity)") }
                if let cost = uptime.cost { lines.append("   cost: \(cost)") }
                if let stop = uptime.autoStop { lines.append("   \(stop)") }
                lines.append("   " + alert.consoleURL)
                lines.append("")
            }
        }
        if digest.alerts.count > digestListLimit {
            lines.append("... and \(digest.alerts.count - digestListLimit) more, not listed here (the table holds them all).")
            lines.append("")
        }
        if !digest.snoozed.isEmpty {
            lines.append("Snoozed from Slack (not alerted until then):")
            lines += digest.snoozed.prefix(digestListLimit).map { "   \($0)" }
            lines.append("")
        }
        lines.append(UptimeWording.advice)
        lines.append("")
        lines.append("instance-watch, check of \(digest.checkedAt.extendedISO8601)")
        return lines.joined(separator: "\n")
    }
}
