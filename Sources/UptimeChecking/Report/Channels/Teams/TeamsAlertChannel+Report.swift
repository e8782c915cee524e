import FoundationEssentials
import InstanceWatchCore

extension TeamsAlertChannel: ReportChannel {
    func send(report: WeeklyReport, chart: ReportChart, deadline: Date) -> AlertDeliveryFailure? {
        AlertDeliveryFailure.unless("Teams weekly report for \(report.audience)", ids: []) {
            try poster.post(TeamsReportCard.message(report, chart: chart), deadline: deadline)
        }
    }
}
