import FoundationEssentials
import InstanceWatchCore
import Logging
import Lambda
import AWS
import Support

/// The alerts of one run: each due one claimed (`NOTIFY_INTERVAL`), priced, built once and routed
/// to every channel; the claims of those some channel did not take given back; and each delivered
/// alert noted on its record, for the savings ledger to credit a stop after it (`CREDIT_WINDOW`).
struct NotificationRun {
    let handler: UptimeCheckHandler
    let now: UTCDateTime
    let ownAccount: String?
    /// The run's tick: channels an earlier attempt of it reached are not sent again.
    let attempt: RunAttempt?
    let deadline: Date
    let logger: Logger

    struct Delivery {
        var notified: [String] = []
        var notifiedRecently: [String] = []
        var failures: [String] = []
        /// Overdue instances some channel did not take (or whose claim could not be made).
        var undelivered = 0
        /// Alerts per destination (`payments`, `default`), when alerts are routed by owner.
        var routed: [String: Int]?
        var routedAlerts = 0
        var routeFailures = 0
        /// Owners' destinations that failed while the default destination took their alerts.
        var problems: [String] = []
        /// Where each alert has gone in this tick, earlier attempts included (`RunAttempt`).
        var delivered: [String: Set<String>] = [:]
    }

    /// Claims (with an interval), sends through every channel, and gives back the claims of alerts
    /// some channel did not take, so the next run or the retry sends them again.
    /// - Parameter useClaims: false when the table could not be read: every alert goes out, unclaimed.
    func run(_ overdue: [RunningInstance], snoozed: [RunningInstance] = [], useClaims: Bool = true) -> Delivery {
        // The pool's closures take these values, not the run.
        let now = self.now, deadline = self.deadline
        var delivery = Delivery()
        var due: [RunningInstance] = []
        var claims: [String: NotificationClaim] = [:]
        let interval = useClaims ? handler.configuration.notifyInterval : 0
        var toClaim: [RunningInstance] = []
        for instance in overdue {
            // A stop is announced whatever the interval: it happens once.
            if interval <= 0 || UptimeCheckHandler.announcesStop(instance) {
                due.append(instance)
            } else if NotificationCadence.isDue(lastNotifiedAt: instance.lastNotifiedAt, now: now, interval: interval) {
                toClaim.append(instance)
            } else {
                delivery.notifiedRecently.append(instance.id)
            }
        }
        // The claims, through the pool: each one conditional on its own record.
        let claimed = handler.executor.map(toClaim) { run, instance in
            Result { () throws(AWSClientError) in try run.table.claimNotification(instanceId: instance.id, now: now, interval: interval, deadline: deadline) }
        }
        for (instance, outcome) in zip(toClaim, claimed) {
            switch outcome {
            case .success(let claim?):
                claims[instance.id] = claim
                due.append(instance)
            case .success(nil):
                delivery.notifiedRecently.append(instance.id)
            case .failure(let error):
                delivery.failures.append("claiming the alert for \(instance.id) failed: \(error)")
                delivery.undelivered += 1
            }
        }
        guard !due.isEmpty else { return delivery }

        let sendDeadline = deadline.addingTimeInterval(-UptimeCheckHandler.releaseReserve)
        due = handler.priced(due, ownAccount: ownAccount, deadline: deadline, logger: logger)
        let allIds = due.map(\.id)
        // The alerts are built once; every channel renders the same facts. Positions, not copies of
        // the instances, for the digest to find them by.
        let positions = Dictionary(due.indices.map { (due[$0].id, $0) }) { first, _ in first }
        // Snoozed instances, apart in digests: the owner's own, or all of them in the default destination's.
        let snoozedLines = snoozed.map { (owner: handler.routes.ownership.owner(tags: $0.tags, account: $0.account)?.lowercased(), line: $0.snoozeLine) }
        let form: AlertRouter.Form = switch handler.configuration.notifyMode {
        case .each: .each
        case .digest: .digest { alerts, owner in
            var digest = AlertDigest.uptime(alerts.compactMap { positions[$0.instanceId].map { due[$0] } }, now: now, owner: owner, built: alerts)
            digest.snoozed = snoozedLines.filter { owner == nil || $0.owner == owner?.lowercased() }.map(\.line)
            return digest
        }
        }
        let earlier = attempt.map { attempt in Dictionary(due.map { ($0.id, attempt.delivered($0)) }) { first, _ in first }.filter { !$0.value.isEmpty } } ?? [:]
        let outcome = AlertRouter(routes: handler.routes).deliver(due.map { Alert.uptime($0, now: now) }, form: form, summaryAt: now,
                                                          alreadyDelivered: earlier, deadline: sendDeadline)
        delivery.delivered = outcome.delivered.merging(earlier) { $0.union($1) }
        let undelivered = outcome.undelivered
        delivery.failures += outcome.failures.map(\.description)
        delivery.problems = outcome.problems
        delivery.routedAlerts = outcome.routed
        delivery.routeFailures = outcome.routeFailures
        if handler.routes.routesByOwner {
            delivery.routed = outcome.counts.reduce(into: [:]) { counts, count in counts[count.destination, default: 0] += count.alerts }
        }
        let toRelease = allIds.filter { undelivered.contains($0) }.compactMap { claims[$0] }
        delivery.failures += handler.executor.failures(toRelease) { run, claim throws(AWSClientError) in
            try run.table.releaseNotification(claim, deadline: deadline)
        } describing: { claim, error in "giving back the alert claim of \(claim.instanceId) failed (the next alert waits NOTIFY_INTERVAL): \(error)" }
        delivery.notified = allIds.filter { !undelivered.contains($0) }
        // What a stop after the alert will be credited with (CREDIT_WINDOW), and what its ledger item keeps.
        let alerted = due.filter { !undelivered.contains($0.id) }
        delivery.problems += handler.executor.failures(alerted) { run, instance throws(AWSClientError) in
            try run.table.noteForLedger(instanceId: instance.id, StopCredit.alerted(at: now, facts: StopCredit.Facts(instance)), deadline: deadline)
        } describing: { instance, error in "noting the alert of \(instance.id) for the savings ledger failed (a stop after it goes uncounted): \(error)" }
        // AlertFailures counts alerts lost this run; those an owner missed but the default took are RouteFailures.
        delivery.undelivered += Set(outcome.failures.flatMap(\.instanceIds)).count
        return delivery
    }
}
