import FoundationEssentials
import InstanceWatchCore
import Support

/// The weekly report in Teams: an Adaptive Card with the figures, the chart as an `Image` (a data
/// URI: a Workflows webhook has nowhere to fetch a picture from), and the lists, capped to keep
/// the card within what Teams shows (about 28 KB).
enum TeamsReportCard {
    static let listLimit = 10

    static func message(_ report: WeeklyReport, chart: ReportChart) -> TeamsMessage {
        func list(_ title: String, _ lines: [String]) -> [TeamsMessage.Element] {
            guard !lines.isEmpty else { return [] }
            var items: [TeamsMessage.Element] = [.text("\(title) (\(lines.count))", style: .attention)]
            items += lines.prefix(listLimit).map { .text(TeamsMessage.escape($0)) }
            if lines.count > listLimit { items.append(.text("…and \(lines.count - listLimit) more", style: .subtle)) }
            return [.container(items)]
        }
        var body: [TeamsMessage.Element] = [
            .text(TeamsMessage.escape("instance-watch weekly" + (report.owner.map { " for \($0)" } ?? "")), style: .heading),
        ]
        body += WeeklyReportText.figures(report).map { .text(TeamsMessage.escape($0)) }
        body.append(.image(url: "data:image/png;base64," + Data(chart.png).base64EncodedString(), altText: chart.altText))
        body += list("Stopped this week", report.stops.map(WeeklyReportText.stopLine))
        body += list("Running past their limit now", report.overdue.map(WeeklyReportText.overdueLine))
        body += list("Snoozed", report.snoozed)
        body += list("Left out of the figures", report.leftOut)
        body.append(.text("The week \(report.periodStart.extendedISO8601) to \(report.periodEnd.extendedISO8601), for \(TeamsMessage.escape(report.audience))", style: .subtle))
        return TeamsMessage(card: TeamsMessage.AdaptiveCard(body: body, actions: [], fallbackText: TeamsMessage.escape(WeeklyReportText.subject(report))))
    }
}
