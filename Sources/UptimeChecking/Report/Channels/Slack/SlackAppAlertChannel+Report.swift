import FoundationEssentials
import InstanceWatchCore

extension SlackAppAlertChannel: ReportChannel {
    /// The report as a message, then its chart uploaded into the same channel (`files:write`).
    func send(report: WeeklyReport, chart: ReportChart, deadline: Date) -> AlertDeliveryFailure? {
        AlertDeliveryFailure.unless("Slack weekly report for \(report.audience)", ids: []) {
            let posted = try api.postMessage(SlackReportMessage.message(report, channel: nil), channel: channel, deadline: deadline)
            _ = try api.uploadFile(chart.png, fileName: chart.fileName, title: "Saved per week vs overdue cost", altText: chart.altText,
                                   channelId: posted.channel.isEmpty ? channel : posted.channel, deadline: deadline)
        }
    }
}
