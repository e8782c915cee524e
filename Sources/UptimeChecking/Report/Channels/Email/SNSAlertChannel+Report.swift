import FoundationEssentials
import InstanceWatchCore
import AWS

extension SNSAlertChannel: ReportChannel {
    /// The report as text: the subject starts with `instance-watch weekly`, and the attributes say
    /// `kind: weekly-report` and whose it is, so a subscriber's filter policy can take or leave it.
    func send(report: WeeklyReport, chart: ReportChart, deadline: Date) -> AlertDeliveryFailure? {
        let message = SNSMessage(subject: WeeklyReportText.subject(report), body: WeeklyReportText.body(report), attributes: [
            "owner": .string(report.owner?.lowercased() ?? Self.unowned), "kind": .string("weekly-report"),
        ])
        return AlertDeliveryFailure.unless("SNS weekly report for \(report.audience)", ids: []) {
            let published = try publisher.publishBatch(topicArn: topicArn, [(id: "report", message: message)], deadline: deadline)
            guard published.messageIds["report"] != nil else {
                throw AlertRefused(description: published.failures.first?.description ?? "no message id in the answer")
            }
        }
    }
}
