import FoundationEssentials
import InstanceWatchCore
import AWS

extension SESAlertChannel: ReportChannel {
    /// The report to the owner's own address: HTML with the chart inline, through SendRawEmail.
    func send(report: WeeklyReport, chart: ReportChart, deadline: Date) -> AlertDeliveryFailure? {
        let raw = EmailReport.mime(report, chart: chart, from: from, to: to, boundary: UUID().uuidString)
        return AlertDeliveryFailure.unless("SES weekly report for \(report.audience)", ids: []) {
            try sender.sendRaw(raw, from: from, to: [to], deadline: deadline)
        }
    }
}
