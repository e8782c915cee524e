import Charts
import InstanceWatchCore
import Support

/// The weekly report's picture: savings per week over the last eight weeks beside what overdue
/// instances cost in each, as a PNG every channel that shows pictures carries.
public struct ReportChart: Sendable, Equatable {
    public var png: [UInt8]
    /// For a screen reader, and for channels that show text instead.
    public var altText: String
    public var fileName: String

    public static let savedColor = PNG.Color(46, 158, 91)
    public static let overdueColor = PNG.Color(217, 83, 79)

    public static func of(_ report: WeeklyReport) -> ReportChart {
        let chart = BarChart(
            title: "Saved per week vs overdue cost" + (report.owner.map { ": \($0)" } ?? ""),
            axisLabel: "US dollars a week, estimated (compute only). Weeks labelled by their first day (month-day, UTC).",
            series: [.init(name: "Saved by stops", color: savedColor), .init(name: "Cost of overdue instances", color: overdueColor)],
            groups: report.weeks.map { week in
                BarChart.Group(label: String(week.start.extendedISO8601.dropFirst(5).prefix(5)), values: [week.savingsUSD, week.overdueCostUSD])
            },
            // Whole dollars where a figure is whole (the axis), cents where it is not (the bars).
            format: { $0 >= 1 && $0 == $0.rounded() ? InstancePrice.dollars($0).replacing(".00", with: "") : InstancePrice.dollars($0) }
        )
        let alt = "Savings per week over the last \(report.weeks.count) weeks beside what overdue instances cost: "
            + WeeklyReportText.weekLines(report).joined(separator: "; ")
        return ReportChart(png: chart.png(), altText: alt, fileName: "instance-watch-weekly-\(WeeklyReportText.day(report.periodEnd)).png")
    }
}
