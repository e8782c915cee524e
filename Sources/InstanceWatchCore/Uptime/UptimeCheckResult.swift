import Lambda
import AWS
import CurlHTTP
import Support
/// What the UptimeChecker answers for a tick.
public struct UptimeCheckResult: Encodable, Sendable, Equatable {
    /// The function's own clock when the check began: uptime is judged at this time.
    public var checkedAt: String
    /// Items in the table, every page.
    public var scanned = 0
    /// The account/region pairs reconciled with EC2 (`111122223333/eu-west-1`); a pair that could not
    /// be is named in `problems`, and its records were judged from the table alone.
    public var checked: [String] = []
    /// Instances running, after reconciliation with EC2.
    public var running = 0
    public var overdue = 0
    /// Overdue instances whose alert every configured channel took.
    public var notified = 0
    /// Records corrected or added to match EC2.
    public var repaired = 0
    /// Longest-running first.
    public var overdueInstanceIds: [String] = []
    /// Overdue instance id → the policy that applied (where its limit came from): `tag`,
    /// `account:<id>`, `ou:<id>`, `default` (the policies document's), `environment`.
    public var policy: [String: String] = [:]
    public var notifiedInstanceIds: [String] = []
    /// Overdue, but alerted less than `NOTIFY_INTERVAL` ago.
    public var notifiedRecently: [String] = []
    /// What was repaired, and why: the first `listedRepairs`, then how many more.
    public var repairs: [String] = []
    public static let listedRepairs = 100
    /// What a person should look at: bad tag values, unreadable records, EC2 not answering.
    public var problems: [String] = []
    /// With `AUTO_STOP=on`: the instances stopped this run (absent when it is off).
    public var stopped: [String]?
    /// With `AUTO_STOP=dry-run`: the instances that would have been stopped.
    public var wouldStop: [String]?
    /// With `AUTO_STOP`: instances due to stop but not stopped this run, and why (the run's cap,
    /// a change since the check).
    public var heldBack: [String]?
    /// Overdue instances something else manages (`i-…: Auto Scaling group web (tag …)`): never
    /// stopped; left out of alerts with `MANAGED_INSTANCES=skip`.
    public var managed: [String] = []
    /// Overdue instances CloudWatch shows idle, and busy (with `ALERT_ON=idle`, not alerted).
    public var idle: [String] = []
    public var busy: [String] = []
    /// Overdue instances snoozed from Slack, with until when and by whom: neither alerted nor stopped.
    public var snoozed: [String] = []
    /// Slack app mode: alerts closed in place since their instance stopped or ended (`i-…: stopped at …`).
    public var closedAlerts: [String] = []
    /// When alerts are routed by owner: alerts per destination (`payments`: 2, `default`: 3).
    public var routed: [String: Int]?
    /// `GetMetricData` calls this run made (CloudWatch bills the metrics asked for).
    public var metricDataCalls = 0
    /// A weekly report's figures (`{"report": "weekly"}`); absent from a check's answer.
    public var report: ReportFigures?

    public init(checkedAt: String) {
        self.checkedAt = checkedAt
    }
}

/// What a weekly report said, in figures (dollars rounded to the cent).
public struct ReportFigures: Encodable, Sendable, Equatable {
    public var periodStart: String
    public var periodEnd: String
    public var savingsUSD: Double
    public var savingsToDateUSD: Double
    /// Stops in the period the ledger credits.
    public var stops: Int
    /// Hours saved by stops without a price (not in the dollars).
    public var unpricedHours: Double
    public var overdueNow: Int
    /// Where the reports went: `default` (the whole organisation's) and each owner's destination.
    public var sentTo: [String]

    public init(periodStart: String, periodEnd: String, savingsUSD: Double, savingsToDateUSD: Double, stops: Int, unpricedHours: Double,
                overdueNow: Int, sentTo: [String]) {
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.savingsUSD = savingsUSD
        self.savingsToDateUSD = savingsToDateUSD
        self.stops = stops
        self.unpricedHours = unpricedHours
        self.overdueNow = overdueNow
        self.sentTo = sentTo
    }
}

/// A check that could not do everything: some alert or repair failed after all the others were
/// tried. The invocation fails with this, so the run is retried and nothing is dropped silently.
public struct UptimeCheckIncomplete: LambdaReportableError, CustomStringConvertible {
    public let result: UptimeCheckResult
    public let failures: [String]

    public var errorType: String { "UptimeCheckIncomplete" }

    public init(result: UptimeCheckResult, failures: [String]) {
        self.result = result
        self.failures = failures
    }

    public var description: String {
        let listed = failures.prefix(5).joined(separator: "; ") + (failures.count > 5 ? "; and \(failures.count - 5) more" : "")
        return "notified \(result.notified) of \(result.overdue) overdue instance\(result.overdue == 1 ? "" : "s"), "
            + "\(failures.count) failure\(failures.count == 1 ? "" : "s"): \(listed)"
    }
}
