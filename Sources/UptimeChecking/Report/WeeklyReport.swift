import InstanceWatchCore
import Support

/// The weekly report (design.md, "Savings ledger and the weekly report"), as values every channel
/// renders its own way: what was stopped in the period and what it saved, what it has saved since
/// the ledger began, what still runs past its limit now, the hourly spend of idle instances, what
/// is snoozed, and eight weeks of savings beside what overdue instances cost.
public struct WeeklyReport: Sendable, Equatable {
    /// A stop in the period, as the ledger keeps it, with what it saved in the period.
    public struct Stop: Sendable, Equatable {
        public var item: LedgerItem
        public var savedHours: Double
        /// nil when the item has no price (its hours count, not dollars).
        public var savedUSD: Double?
    }

    /// An instance running past its limit when the report was made.
    public struct Overdue: Sendable, Equatable {
        public var instanceId: String
        public var name: String?
        public var owner: String?
        public var place: String
        public var runningSeconds: Int
        public var limit: String
        public var hourlyUSD: Double?
        /// What the run so far cost (nil without a price).
        public var costSoFarUSD: Double?
        public var idle: Bool
    }

    /// One week of the chart: what stops saved in it, and what overdue instances cost in it (nil for
    /// a week no report measured).
    public struct Week: Sendable, Equatable {
        public var start: UTCDateTime
        public var savingsUSD: Double
        public var overdueCostUSD: Double?
    }

    /// The owner the report is for; nil: the whole organisation (the default destination's).
    public var owner: String?
    public var periodStart: UTCDateTime
    public var periodEnd: UTCDateTime
    public var savings: Savings
    public var savingsToDate: Savings
    /// The earliest stop in the ledger (for "since the ledger began").
    public var ledgerBegan: UTCDateTime?
    public var stops: [Stop] = []
    public var overdue: [Overdue] = []
    /// What overdue instances cost within the period (the chart's newest bar of overdue cost).
    public var overdueCostThisPeriodUSD = 0.0
    /// What idle overdue instances cost an hour, together.
    public var idleHourlyUSD = 0.0
    public var snoozed: [String] = []
    public var weeks: [Week] = []
    /// What the report left out, and why (a ledger item that cannot be right, the ledger unreadable).
    public var leftOut: [String] = []

    /// The report's length of time: the 7 days up to the run.
    public static let periodSeconds = 7 * 86_400
    /// How many weeks the chart shows.
    public static let chartWeeks = 8

    /// `the whole organisation` or `owner alice`.
    public var audience: String { owner.map { "owner \($0)" } ?? "the whole organisation" }
}

extension ReportFigures {
    /// The report's figures for the run's answer, dollars rounded to the cent.
    init(_ report: WeeklyReport, sentTo: [String]) {
        func cents(_ value: Double) -> Double { (value * 100).rounded() / 100 }
        self.init(periodStart: report.periodStart.extendedISO8601, periodEnd: report.periodEnd.extendedISO8601,
                  savingsUSD: cents(report.savings.dollars), savingsToDateUSD: cents(report.savingsToDate.dollars), stops: report.stops.count,
                  unpricedHours: (report.savings.unpricedHours * 10).rounded() / 10, overdueNow: report.overdue.count, sentTo: sentTo)
    }
}
