import FoundationEssentials
import InstanceWatchCore

/// A channel that takes the weekly report: each alert channel's report renderer, in its own file
/// under `Report/Channels/`. The report is the UptimeChecker's alone, so its renderers, its chart and
/// the Charts module live here, never in the other two functions' binaries.
protocol ReportChannel {
    /// The report, with its chart where the channel can show a picture; nil when it was delivered.
    func send(report: WeeklyReport, chart: ReportChart, deadline: Date) -> AlertDeliveryFailure?
}
