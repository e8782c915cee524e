import FoundationEssentials
import InstanceWatchCore

extension SlackAlertChannel: ReportChannel {
    /// A webhook cannot carry a file: the report's figures and lists as text.
    func send(report: WeeklyReport, chart: ReportChart, deadline: Date) -> AlertDeliveryFailure? {
        AlertDeliveryFailure.unless("Slack weekly report for \(report.audience)", ids: []) {
            try poster.post(SlackReportMessage.message(report, channel: channel), deadline: deadline)
        }
    }
}
