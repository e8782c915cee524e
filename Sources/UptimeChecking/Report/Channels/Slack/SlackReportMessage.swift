import InstanceWatchCore
import Support

/// The weekly report in Slack (Block Kit): the figures, what was stopped, what still runs past its
/// limit, what is snoozed. A webhook gets the figures as text; the app also uploads the chart.
enum SlackReportMessage {
    /// Lines per list in Slack: a section's text holds at most 3,000 characters.
    static let listLimit = 10

    static func message(_ report: WeeklyReport, channel: String?) -> SlackMessage {
        func list(_ title: String, _ lines: [String]) -> [SlackMessage.Block] {
            guard !lines.isEmpty else { return [] }
            var text = "*\(SlackMessage.escape(title)) (\(lines.count))*\n" + lines.prefix(listLimit).map { "• " + SlackMessage.escape($0) }.joined(separator: "\n")
            if lines.count > listLimit { text += "\n…and \(lines.count - listLimit) more" }
            return [.section(String(text.prefix(2_900)))]
        }
        var blocks: [SlackMessage.Block] = [
            .header(String(("instance-watch weekly" + (report.owner.map { " for \($0)" } ?? "")).prefix(150))),
            .section(WeeklyReportText.figures(report).map(SlackMessage.escape).joined(separator: "\n")),
        ]
        blocks += list("Stopped this week", report.stops.map(WeeklyReportText.stopLine))
        blocks += list("Running past their limit now", report.overdue.map(WeeklyReportText.overdueLine))
        blocks += list("Snoozed", report.snoozed)
        blocks += list("Left out of the figures", report.leftOut)
        blocks += list("Week by week (the week starting)", WeeklyReportText.weekLines(report))
        blocks.append(.context("The week \(report.periodStart.extendedISO8601) to \(report.periodEnd.extendedISO8601), for \(SlackMessage.escape(report.audience))"))
        let subject = WeeklyReportText.subject(report)
        return SlackMessage(text: SlackMessage.escape(subject), channel: channel,
                            attachments: [SlackMessage.Attachment(color: "#2e9e5b", fallback: SlackMessage.escape(subject), blocks: blocks)])
    }
}
