import FoundationEssentials
import InstanceWatchCore
import Logging
import Lambda
import AWS
import Support

/// The weekly report's run (`{"report": "weekly"}`): the ledger read (items its events could not
/// close closed from the records), the fleet judged as a check judges it but nothing stopped or
/// alerted, then one report for the whole organisation to the default destination and the topic,
/// and one for each owner with a destination of their own. A report with bad input still goes out
/// and names what it left out; only a report that reached nobody fails the invocation.
struct WeeklyReportRun {
    let handler: UptimeCheckHandler
    let ledger: any LedgerStore

    /// The ledger as read: the stops, what earlier reports measured, and what could not be used.
    struct LedgerReading {
        var items: [LedgerItem] = []
        var history: [ReportSummary] = []
        var problems: [String] = []
    }

    func run(context: LambdaContext) throws -> UptimeCheckResult {
        let now = UTCDateTime(handler.clock())
        let logger = context.logger
        logger.info("weekly report at \(now.extendedISO8601)")
        var result = UptimeCheckResult(checkedAt: now.extendedISO8601)
        handler.fleet.startRun()
        var reading = read(deadline: context.workDeadline)
        reading.problems += closeFromRecords(&reading.items, deadline: context.workDeadline)

        // What runs past its limit now, with its activity and price: as a check sees it, no more.
        let (assessment, plan) = handler.assess(now: now, attempt: nil, context: context)
        result.scanned = assessment.snapshot.scanned
        result.checked = assessment.snapshot.checked.map(\.description)
        result.problems = assessment.problems + reading.problems
        var overdue = plan.overdue
        let activity = handler.withActivity(&overdue, ownAccount: assessment.snapshot.ownAccount, now: now, context: context)
        result.problems += activity.problems
        overdue = handler.priced(overdue, ownAccount: assessment.snapshot.ownAccount, deadline: context.workDeadline, logger: logger)
        let snoozed = overdue.filter { $0.isSnoozed(at: now) }
        overdue.removeAll { $0.isSnoozed(at: now) }
        result.running = plan.running.count
        result.overdue = overdue.count
        result.overdueInstanceIds = overdue.map(\.id)

        let inputs = WeeklyReportBuilder.Inputs(
            items: reading.items, overdue: overdue,
            snoozed: snoozed,
            history: reading.history, now: now, cap: handler.configuration.savingsCap, leftOut: reading.problems
        )
        let organisation = WeeklyReportBuilder.report(inputs, owner: nil)
        result.problems += organisation.savings.leftOut
        let routes = handler.routes
        var sentTo: [String] = [], failures: [String] = []
        let deadline = context.workDeadline.addingTimeInterval(-UptimeCheckHandler.releaseReserve)
        func deliver(_ report: WeeklyReport, to channels: [any AlertChannel], as destination: String) {
            let chart = ReportChart.of(report)
            let failed = channels.compactMap { channel -> AlertDeliveryFailure? in
                guard let reporting = channel as? any ReportChannel else {
                    return AlertDeliveryFailure(instanceIds: [], description: "\(channel.name) takes no weekly report", underlying: AlertRefused(description: "no report renderer"))
                }
                return reporting.send(report: report, chart: chart, deadline: deadline)
            }
            if failed.count < channels.count { sentTo.append(destination) }
            failures += failed.map(\.description)
        }
        deliver(organisation, to: (routes.topic.map { [$0] } ?? []) + routes.fallback, as: "default")
        // Each owner with a destination of their own gets their part (direct e-mail included).
        let owners = Set((reading.items.compactMap(\.owner) + overdue.compactMap(\.owner)).map { $0.lowercased() }).sorted()
        for owner in owners {
            guard let channels = routes.destination(for: owner) else { continue }
            deliver(WeeklyReportBuilder.report(inputs, owner: owner), to: channels, as: owner)
        }
        // What this report measured of overdue cost, for the charts of the weeks to come.
        do {
            try ledger.keep(WeeklyReportBuilder.summary(inputs, organisation: organisation), deadline: context.workDeadline)
        } catch {
            result.problems.append("keeping this report's summary for later charts failed: \(error)")
        }
        result.problems += failures
        result.report = ReportFigures(organisation, sentTo: sentTo)
        for problem in result.problems { logger.warning("\(problem)") }
        logger.info("weekly report: \(InstancePrice.dollars(organisation.savings.dollars)) saved in the period, \(organisation.stops.count) stops, sent to \(sentTo.joined(separator: ", "))")
        context.metrics.set(UptimeCheckHandler.Metric.estimatedSavings, to: (organisation.savings.dollars * 100).rounded() / 100)
        guard !sentTo.isEmpty || failures.isEmpty else { throw UptimeCheckIncomplete(result: result, failures: failures) }
        return result
    }

    /// Every item of the ledger, read with care: one that cannot be read is left out and named; a
    /// ledger that cannot be read at all leaves the report without savings, and says so.
    func read(deadline: Date) -> LedgerReading {
        var reading = LedgerReading()
        do {
            try ledger.items(deadline: deadline) { page in
                for item in page {
                    if item["instance_id"]?.stringValue == ReportSummary.itemId {
                        if let summary = ReportSummary.read(item) { reading.history.append(summary) }
                        continue
                    }
                    let (read, problems) = LedgerItem.read(item)
                    if let read { reading.items.append(read) }
                    reading.problems += problems
                }
            }
        } catch {
            reading.problems.append("the savings ledger could not be read (\(error)): this report's savings are left out")
        }
        reading.history.sort { $0.periodEnd.epochSeconds < $1.periodEnd.epochSeconds }
        return reading
    }

    /// Items still open whose instance has run again or ended since (an event lost, or a retry
    /// that could no longer tell which stop it closed): closed from the record's own times.
    func closeFromRecords(_ items: inout [LedgerItem], deadline: Date) -> [String] {
        let open = items.indices.filter { items[$0].restartedAt == nil && items[$0].endedAt == nil }
        guard !open.isEmpty else { return [] }
        let records: [String: InstanceRecord]
        do {
            records = Dictionary(try handler.table.records(ids: Array(Set(open.map { items[$0].instanceId })), deadline: deadline).map { ($0.instanceId, $0) }) { first, _ in first }
        } catch {
            return ["reading the records of \(open.count) open ledger items failed (\(error)): they count as still stopped"]
        }
        var problems: [String] = []
        for index in open {
            guard let record = records[items[index].instanceId] else { continue }
            let stop = items[index].stoppedAt
            let end: (LedgerItem.End, UTCDateTime)?
            if let started = record.startedAt, started.epochSeconds > stop.epochSeconds {
                end = (.restarted, started)
            } else if let state = record.state, state == "terminated" || state == "shutting-down",
                      let ended = record.stopTime.flatMap(UTCDateTime.parse), ended.epochSeconds >= stop.epochSeconds {
                end = (.ended, ended)
            } else {
                end = nil
            }
            guard let (kind, time) = end else { continue }
            if kind == .restarted { items[index].restartedAt = time } else { items[index].endedAt = time }
            do {
                try ledger.close(instanceId: items[index].instanceId, stoppedAt: stop, kind, at: time, deadline: deadline)
            } catch {
                problems.append("closing the ledger item of \(items[index].instanceId) stopped at \(stop.extendedISO8601) failed: \(error)")
            }
        }
        return problems
    }
}
