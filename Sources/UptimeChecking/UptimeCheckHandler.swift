import FoundationEssentials
import InstanceWatchCore
import Logging
import Lambda
import AWS
import CurlHTTP
import Support

/// The UptimeChecker's run for one schedule tick: read the table and EC2, repair the table where it
/// disagrees with EC2, and alert about every instance running longer than allowed through every
/// configured channel. Every alert is tried; failures fail the invocation afterwards.
public struct UptimeCheckHandler: LambdaHandler {
    /// Kept back from the deadline so the claims of alerts that failed can still be given back.
    public static let releaseReserve = 2.0

    /// What each run reports to CloudWatch (docs/operating.md, "Metrics"). `ChecksCompleted` is the heartbeat:
    /// 1 for a run that did everything, 0 otherwise; the template alarms when it stays below 1.
    public enum Metric {
        public static let recordsScanned = "RecordsScanned"
        public static let instancesRunning = "InstancesRunning"
        public static let instancesOverdue = "InstancesOverdue"
        public static let alertsSent = "AlertsSent"
        public static let alertFailures = "AlertFailures"
        public static let recordsRepaired = "RecordsRepaired"
        public static let instancesStopped = "InstancesStopped"
        /// Stops that failed or were refused; the template alarms on any.
        public static let stopFailures = "StopFailures"
        /// Overdue instances CloudWatch shows idle.
        public static let instancesIdle = "InstancesIdle"
        public static let routedAlerts = AlertRouter.Metric.routedAlerts
        public static let routeFailures = AlertRouter.Metric.routeFailures
        public static let checksCompleted = "ChecksCompleted"
        /// The weekly report's savings in its period (0 in a check's invocation: read it as a Sum or Maximum).
        public static let estimatedSavings = "EstimatedSavingsUSD"
    }

    public static let metricNames = [
        Metric.recordsScanned, Metric.instancesRunning, Metric.instancesOverdue, Metric.alertsSent, Metric.alertFailures,
        Metric.recordsRepaired, Metric.instancesStopped, Metric.stopFailures, Metric.instancesIdle, Metric.routedAlerts, Metric.routeFailures,
        Metric.checksCompleted, Metric.estimatedSavings,
    ]

    let table: any UptimeTable
    let recorder: any InstanceStateRecording
    /// The bounded pool the run's table work goes through (repairs, claims, notes).
    let executor: any RunExecutor
    let fleet: any FleetInventory
    /// Where alerts go (`AlertChannels`): the topic, each owner's destination, the default one.
    let routes: AlertRoutes
    /// Where prices come from (`PRICING=on`); nil leaves them out of the alerts.
    let prices: Prices?

    /// The price cache and the Price List client (on-demand prices; Spot prices come from EC2).
    public struct Prices {
        public var book: PriceBook
        public var priceList: PriceListClient

        public init(book: PriceBook, priceList: PriceListClient) {
            self.book = book
            self.priceList = priceList
        }
    }
    let configuration: FunctionConfiguration
    /// The policies per account and OU, over the function's variables.
    let policies: PolicyRules
    let region: String
    let clock: () -> Date
    /// The savings ledger, read by the weekly report; nil: no report (a test's handler).
    let ledger: (any LedgerStore)?

    /// - Parameters:
    ///   - fleet: EC2 in every account and region the check watches (`EC2Fleet`).
    ///   - region: the function's own region.
    ///   - executor: the pool for the table's work; nil: one write after another on the calling thread.
    ///   - policies: nil: the function's variables apply to every instance.
    public init(table: any UptimeTable, recorder: any InstanceStateRecording, executor: (any RunExecutor)? = nil, fleet: any FleetInventory,
                routes: AlertRoutes, prices: Prices?, configuration: FunctionConfiguration, policies: PolicyRules? = nil, region: String,
                ledger: (any LedgerStore)? = nil, clock: @escaping () -> Date) {
        self.table = table
        self.recorder = recorder
        self.executor = executor ?? SerialRunExecutor(RunTable(table: table, recorder: recorder))
        self.fleet = fleet
        self.routes = routes
        self.prices = prices
        self.configuration = configuration
        self.policies = policies ?? PolicyRules(document: nil, environment: .environment(configuration))
        self.region = region
        self.ledger = ledger
        self.clock = clock
    }

    /// The share of the time left that reading the table and EC2 may take: the rest is kept for
    /// stops and alerts, so a slow table or a slow member account never leaves a run without them.
    public static let readPhaseShare = 0.6

    public func handle(_ event: Data, context: LambdaContext) throws -> UptimeCheckResult {
        if try ReportRequest.parse(event) == .weekly {
            guard let ledger else { throw MalformedEvent(field: "report", problem: "asks for a report, and this handler has no ledger to report from") }
            return try WeeklyReportRun(handler: self, ledger: ledger).run(context: context)
        }
        let tick = try ScheduledTick.parse(event)
        // The function's own clock decides: an event's time can be late, replayed or made up.
        let started = clock()
        let now = UTCDateTime(started)
        let logger = context.logger
        logger.info("\(tick.describe(relativeTo: now))")
        var result = UptimeCheckResult(checkedAt: now.extendedISO8601)
        var failures: [String] = []
        fleet.startRun()
        // Lambda retries a failed run with the same event: what an earlier attempt of it did stands.
        let attempt = RunAttempt(tick: tick.id)

        var (assessment, plan) = assess(now: now, attempt: attempt, context: context)
        let snapshot = assessment.snapshot, rules = assessment.rules
        if let tableFailure = snapshot.tableFailure { failures.append(tableFailure) }
        result.scanned = snapshot.scanned
        result.checked = snapshot.checked.map(\.description)
        result.problems = assessment.problems
        for problem in result.problems { logger.warning("\(problem)") }

        var endedAlerts = snapshot.endedAlerts
        var endingNow: [String: String] = [:]
        let workDeadline = context.workDeadline
        let repaired = executor.map(plan.repairs) { run, repair in
            Result { () throws(AWSClientError) in try run.recorder.record(repair.change, deadline: workDeadline) }
        }
        for (repair, outcome) in zip(plan.repairs, repaired) {
            switch outcome {
            case .success(.staleIgnored):
                continue
            case .success:
                result.repaired += 1
                // The count is exact; the answer names the first ones (a first run in a large
                // organisation records every instance: 17,000 lines would make the answer megabytes).
                if result.repairs.count < UptimeCheckResult.listedRepairs { result.repairs.append("\(repair.change.instanceId): \(repair.reason)") }
                logger.info("repaired \(repair.change.instanceId): \(repair.reason)")
                if let ended = repair.endedAlert { endedAlerts.append(ended) }
                if repair.change.state > .running { endingNow[repair.change.instanceId] = EndedDigest.ending(repair.change.state) }
            case .failure(let error):
                failures.append("repairing \(repair.change.instanceId) (\(repair.reason)) failed: \(error)")
            }
        }
        if result.repaired > result.repairs.count { result.repairs.append("and \(result.repaired - result.repairs.count) more (RecordsRepaired counts them all)") }
        result.running = plan.running.count
        result.overdue = plan.overdue.count
        result.overdueInstanceIds = plan.overdue.map(\.id)
        result.policy = Dictionary(plan.overdue.map { ($0.id, "\($0.policy.source)") }) { first, _ in first }

        // Evidence before actions: what CloudWatch says each overdue instance has been doing. The plan
        // lets go of its lists first, so that each instance is written in place, not copied.
        var overdue = plan.overdue
        plan.overdue = []
        plan.running = []
        let evidence = withActivity(&overdue, ownAccount: snapshot.ownAccount, now: now, context: context)
        result.problems += evidence.problems
        result.metricDataCalls = evidence.calls
        result.idle = overdue.filter { $0.activity?.isIdle == true }.map(\.id)
        result.busy = overdue.filter { $0.activity?.isBusy == true }.map(\.id)
        result.managed = overdue.compactMap { instance in instance.manager.map { "\(instance.id): \($0)" } }
        context.metrics.set(Metric.instancesIdle, to: result.idle.count)

        // Snoozed from Slack: neither stopped nor alerted until the snooze ends; a digest lists them apart.
        let snoozed = overdue.filter { $0.isSnoozed(at: now) }
        overdue.removeAll { $0.isSnoozed(at: now) }
        result.snoozed = snoozed.map(\.snoozeLine)

        // Priced and owned before anything is stopped: a stop's ledger item keeps what it cost an hour, and whose it was.
        if rules.mayStop { overdue = priced(overdue, ownAccount: snapshot.ownAccount, deadline: context.workDeadline, logger: logger) }

        // Stops come before alerts, so the alert can say what was done.
        var stopFailures = 0
        var announcementsDue = Dictionary(plan.unannouncedStops.compactMap { stop in stop.stoppedAt.map { (stop.id, $0.extendedISO8601) } }) { first, _ in first }
        if rules.mayStop {
            let stops = AutoStopRun(configuration: configuration, rules: rules, fleet: fleet, table: table, ownAccount: snapshot.ownAccount,
                                    now: now, attempt: attempt, stopsClaimedBefore: snapshot.stopsClaimedThisTick,
                                    deadline: context.workDeadline, logger: logger).run(&overdue)
            result.stopped = rules.anyPlace(autoStop: .on) ? stops.stopped : nil
            result.wouldStop = rules.anyPlace(autoStop: .dryRun) ? stops.wouldStop : nil
            result.heldBack = stops.heldBack
            result.problems += stops.problems
            failures += stops.failures
            stopFailures = stops.stopFailures
            announcementsDue.merge(stops.announcementsDue) { _, new in new }
        }
        for late in plan.unannouncedStops {
            logger.info("announcing the stop of \(late.id) made at \(late.stoppedAt?.extendedISO8601 ?? "?"), which an earlier run could not announce")
        }

        // Who is told: a stop always; otherwise not a managed instance (its policy's MANAGED_INSTANCES=skip)
        // and not a busy one (ALERT_ON=idle), which are counted in the result instead.
        let alerted = overdue.filter { instance in
            if Self.announcesStop(instance) { return true }
            if instance.manager != nil && instance.policy.managedInstances == .skip { return false }
            return !(instance.policy.alertOn == .idle && instance.activity?.isBusy == true)
        }
        let delivery = NotificationRun(handler: self, now: now, ownAccount: snapshot.ownAccount, attempt: attempt, deadline: context.workDeadline, logger: logger)
            .run(alerted + plan.unannouncedStops, snoozed: snoozed, useClaims: snapshot.tableRead)
        result.notifiedInstanceIds = delivery.notified
        result.notified = delivery.notified.count
        result.notifiedRecently = delivery.notifiedRecently
        result.routed = delivery.routed
        result.problems += delivery.problems
        failures += delivery.failures
        context.metrics.set(Metric.routedAlerts, to: delivery.routedAlerts)
        context.metrics.set(Metric.routeFailures, to: delivery.routeFailures)
        let announced = delivery.notified.compactMap { id in announcementsDue[id].map { (id: id, stoppedAt: $0) } }
        failures += executor.failures(announced) { run, stop throws(AWSClientError) in
            try run.table.markStopAnnounced(instanceId: stop.id, stoppedAt: stop.stoppedAt, deadline: workDeadline)
        } describing: { stop, error in "noting that the stop of \(stop.id) was announced failed (it may be announced again): \(error)" }

        // Last, as the least urgent: alerts whose instance has stopped or ended since say so in place.
        let endedDigests = snapshot.digests.ended(endingNow: endingNow)
        if let closer = routes.endedAlerts, !endedAlerts.isEmpty || !endedDigests.isEmpty {
            let deadline = context.workDeadline.addingTimeInterval(-Self.releaseReserve)
            let alerts = closer.close(endedAlerts, deadline: deadline), digests = closer.close(digests: endedDigests, deadline: deadline)
            result.closedAlerts = alerts.closed + digests.closed
            result.problems += alerts.problems + digests.problems
            for closed in result.closedAlerts { logger.info("closed the Slack alert of \(closed)") }
            for problem in alerts.problems + digests.problems { logger.warning("\(problem)") }
        }

        logger.info("""
            check of \(result.checkedAt): \(result.scanned) records, \(result.running) running, \(result.overdue) overdue, \
            \(result.notified) notified, \(result.notifiedRecently.count) alerted within NOTIFY_INTERVAL, \(result.repaired) repaired
            """)
        // A failing attempt is retried by Lambda with the same tick: it notes where each alert went,
        // so the retry sends only what did not go out.
        if let attempt, !failures.isEmpty, snapshot.tableRead {
            failures += attempt.note(delivery.delivered, through: executor, deadline: context.workDeadline)
        }
        Self.report(result, alertFailures: delivery.undelivered, completed: failures.isEmpty, to: context.metrics)
        context.metrics.set(Metric.instancesStopped, to: result.stopped?.count ?? 0)
        context.metrics.set(Metric.stopFailures, to: stopFailures)
        guard failures.isEmpty else { throw UptimeCheckIncomplete(result: result, failures: failures) }
        return result
    }

    /// The run's figures for CloudWatch. A run that throws before this (the table unreadable, a
    /// malformed tick) reports zeros, `ChecksCompleted` among them.
    static func report(_ result: UptimeCheckResult, alertFailures: Int, completed: Bool, to metrics: InvocationMetrics) {
        metrics.set(Metric.recordsScanned, to: result.scanned)
        metrics.set(Metric.instancesRunning, to: result.running)
        metrics.set(Metric.instancesOverdue, to: result.overdue)
        metrics.set(Metric.alertsSent, to: result.notified)
        metrics.set(Metric.alertFailures, to: alertFailures)
        metrics.set(Metric.recordsRepaired, to: result.repaired)
        metrics.set(Metric.checksCompleted, to: completed ? 1 : 0)
    }

    /// The instances with their prices (`PRICING=on`; those priced already keep theirs) and owners.
    func priced(_ instances: [RunningInstance], ownAccount: String?, deadline: Date, logger: Logger) -> [RunningInstance] {
        var instances = instances
        if let prices {
            instances = PricingRun(prices: prices, fleet: fleet, ownAccount: ownAccount, deadline: deadline.addingTimeInterval(-Self.releaseReserve), logger: logger).run(instances)
        }
        for index in instances.indices { instances[index].owner = routes.ownership.owner(tags: instances[index].tags, account: instances[index].account) }
        return instances
    }

    static func announcesStop(_ instance: RunningInstance) -> Bool {
        if case .stopped? = instance.stop { return true }
        return false
    }
}
