import InstanceWatchCore
import Support

/// Builds the weekly reports from the ledger and the run's overdue instances: pure, values in and
/// reports out, so every figure is tested to the cent without AWS.
public enum WeeklyReportBuilder {
    /// What a report run found: the ledger's items, the overdue instances now (priced, with their
    /// activity), the snoozed ones, and what earlier reports measured of overdue cost.
    public struct Inputs: Sendable {
        public var items: [LedgerItem]
        public var overdue: [RunningInstance]
        /// Snoozed instances: their cost counts, and they are listed apart, not as past their limit.
        public var snoozed: [RunningInstance]
        public var history: [ReportSummary]
        public var now: UTCDateTime
        public var cap: Int
        public var leftOut: [String]

        public init(items: [LedgerItem], overdue: [RunningInstance], snoozed: [RunningInstance], history: [ReportSummary],
                    now: UTCDateTime, cap: Int, leftOut: [String] = []) {
            self.items = items
            self.overdue = overdue
            self.snoozed = snoozed
            self.history = history
            self.now = now
            self.cap = cap
            self.leftOut = leftOut
        }
    }

    /// The report for `owner` (nil: the whole organisation), from the items and instances that are theirs.
    public static func report(_ inputs: Inputs, owner: String?) -> WeeklyReport {
        let key = owner?.lowercased()
        func mine(_ candidate: String?) -> Bool { key == nil || candidate?.lowercased() == key }
        let items = inputs.items.filter { mine($0.owner) }
        let overdue = inputs.overdue.filter { mine($0.owner) }
        let end = inputs.now, start = UTCDateTime(epochSeconds: end.epochSeconds - WeeklyReport.periodSeconds)

        var report = WeeklyReport(owner: owner, periodStart: start, periodEnd: end,
                                  savings: Savings.of(items, from: start, to: end, cap: inputs.cap),
                                  savingsToDate: Savings.of(items, from: items.map(\.stoppedAt).min() ?? end, to: end, cap: inputs.cap),
                                  ledgerBegan: items.map(\.stoppedAt).min())
        report.leftOut = inputs.leftOut + report.savings.leftOut
        report.stops = items.filter { $0.stoppedAt.epochSeconds >= start.epochSeconds && $0.stoppedAt.epochSeconds <= end.epochSeconds }
            .sorted { $0.stoppedAt.epochSeconds < $1.stoppedAt.epochSeconds }
            .map { item in
                let seconds = Savings.savedSeconds(item, from: start, to: end, cap: inputs.cap) ?? 0
                let hours = Double(seconds) / 3600
                return WeeklyReport.Stop(item: item, savedHours: hours, savedUSD: item.hourlyUSD.map { $0 * hours })
            }
        report.overdue = overdue.map { instance in
            let running = max(0, end.epochSeconds - instance.since.epochSeconds)
            return WeeklyReport.Overdue(instanceId: instance.id, name: instance.name, owner: instance.owner,
                                        place: "\(instance.account ?? "this account")/\(instance.region)", runningSeconds: running,
                                        limit: UptimeWording.limitText(instance.limit), hourlyUSD: instance.price?.hourlyUSD,
                                        costSoFarUSD: instance.price?.cost(forSeconds: running), idle: instance.activity?.isIdle == true)
        }
        // What ran past its limit cost the same whether someone snoozed it or not.
        let snoozed = inputs.snoozed.filter { mine($0.owner) }
        report.overdueCostThisPeriodUSD = overdueCost(overdue + snoozed, from: start, to: end)
        report.idleHourlyUSD = report.overdue.filter(\.idle).compactMap(\.hourlyUSD).reduce(0, +)
        report.snoozed = snoozed.map(\.snoozeLine)
        report.weeks = (0..<WeeklyReport.chartWeeks).map { index in
            let weekEnd = end.epochSeconds - (WeeklyReport.chartWeeks - 1 - index) * WeeklyReport.periodSeconds
            let weekStart = UTCDateTime(epochSeconds: weekEnd - WeeklyReport.periodSeconds)
            // A report runs once a week, give or take: the one that ended nearest this week's end measured it.
            let nearest = inputs.history.filter { abs($0.periodEnd.epochSeconds - weekEnd) < WeeklyReport.periodSeconds / 2 }
                .min { abs($0.periodEnd.epochSeconds - weekEnd) < abs($1.periodEnd.epochSeconds - weekEnd) }
            let measured = index == WeeklyReport.chartWeeks - 1 ? report.overdueCostThisPeriodUSD : nearest?.overdueCost(owner: key)
            return WeeklyReport.Week(start: weekStart, savingsUSD: Savings.of(items, from: weekStart, to: UTCDateTime(epochSeconds: weekEnd), cap: inputs.cap).dollars,
                                     overdueCostUSD: measured)
        }
        return report
    }

    /// What the instances cost while they ran within `[start, end)`, at their prices.
    static func overdueCost(_ instances: [RunningInstance], from start: UTCDateTime, to end: UTCDateTime) -> Double {
        instances.reduce(0) { total, instance in
            guard let price = instance.price else { return total }
            return total + price.cost(forSeconds: max(0, end.epochSeconds - max(instance.since.epochSeconds, start.epochSeconds)))
        }
    }

    /// The summary this run keeps for later reports' charts: overdue cost in the period, overall and by owner.
    public static func summary(_ inputs: Inputs, organisation: WeeklyReport) -> ReportSummary {
        let start = organisation.periodStart, end = organisation.periodEnd
        let byOwner = Dictionary(grouping: (inputs.overdue + inputs.snoozed).filter { $0.owner != nil }) { $0.owner!.lowercased() }
            .mapValues { overdueCost($0, from: start, to: end) }
        return ReportSummary(periodEnd: end, overdueUSD: organisation.overdueCostThisPeriodUSD, savingsUSD: organisation.savings.dollars, overdueByOwner: byOwner)
    }
}
