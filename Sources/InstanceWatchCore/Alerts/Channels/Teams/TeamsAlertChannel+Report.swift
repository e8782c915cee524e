import FoundationEssentials

extension TeamsAlertChannel {
    public func send(report: WeeklyReport, chart: ReportChart, deadline: Date) -> AlertDeliveryFailure? {
        AlertDeliveryFailure.unless("Teams weekly report for \(report.audience)", ids: []) {
            try poster.post(TeamsReportCard.message(report, chart: chart), deadline: deadline)
        }
    }
}
