import FoundationEssentials
import Support

/// Sends a run's alerts to their owners: the topic gets every alert (one digest per owner in
/// digest mode, so a filter policy on `owner` never lets in another owner's instances); each owner
/// with a destination gets only its own; the rest go to the default destination. An owner's
/// destination that does not take an alert sends it to the default destination instead, marked
/// undelivered to its owner, and the caller gives the alert's claim back so the next run tries the
/// owner again. The default destination then hears what went where.
public struct AlertRouter {
    /// One message per alert, or one digest per destination (built by the caller, who knows the instances).
    public enum Form {
        case each
        /// Builds the digest of some alerts for an owner (nil: the default destination's), holding
        /// those alerts as given: they carry their marks (undelivered to an owner).
        case digest((_ alerts: [Alert], _ owner: String?) -> AlertDigest)
    }

    /// What the routing did.
    public struct Outcome {
        /// Failures the run must fail with: the topic's, the default destination's.
        public var failures: [AlertDeliveryFailure] = []
        /// Instances whose alert did not reach everywhere it should (their claims are given back).
        public var undelivered = Set<String>()
        /// Alerts delivered to their owner's own destination.
        public var routed = 0
        /// Alerts an owner's destination did not take (sent to the default destination instead).
        public var routeFailures = 0
        /// What went wrong without losing an alert, for the run's `problems`.
        public var problems: [String] = []
        /// Alerts per destination: `payments` → 2, `default` → 3.
        public var counts: [(destination: String, alerts: Int, undelivered: Int)] = []
        /// Where each alert went this time: instance → the destinations and channels that took it
        /// (`RunAttempt.channelKey`: `topic/SNS`, `payments/Slack`), for a retry of the tick to skip.
        public var delivered: [String: Set<String>] = [:]
    }

    /// The destination name of the SNS topic in channel keys.
    public static let topicName = "topic"

    public static let defaultName = "default"

    /// What routing reports to CloudWatch, from whichever function routes.
    public enum Metric {
        /// Alerts delivered to their owner's own destination.
        public static let routedAlerts = "RoutedAlerts"
        /// Alerts an owner's destination did not take (they went to the default destination).
        public static let routeFailures = "RouteFailures"
    }

    let routes: AlertRoutes

    public init(routes: AlertRoutes) {
        self.routes = routes
    }

    /// - Parameters:
    ///   - summaryAt: the run's clock, to send the default destination a note of what went where
    ///     (when alerts are routed by owner); nil sends none.
    ///   - alreadyDelivered: instance → the channel keys an earlier attempt of the same tick reached;
    ///     those channels are not sent that alert again.
    public func deliver(_ alerts: [Alert], form: Form, summaryAt: UTCDateTime?, alreadyDelivered: [String: Set<String>] = [:],
                        deadline: Date) -> Outcome {
        var outcome = Outcome()
        guard !alerts.isEmpty else { return outcome }
        let groups = Self.byOwner(alerts)
        var sending = Sending(alreadyDelivered: alreadyDelivered)

        if let topic = routes.topic {
            for failure in sending.send(topic, to: Self.topicName, groups: groups, form: form, deadline: deadline) {
                outcome.failures.append(failure)
                outcome.undelivered.formUnion(failure.instanceIds)
            }
        }

        var toDefault: [Alert] = []
        for group in groups {
            guard let channels = routes.destination(for: group.owner) else {
                if routes.refusedAddress(group.owner) {
                    outcome.problems.append("owner \(group.owner ?? "") is an address outside SES_ALLOWED_DOMAINS: not mailed directly; "
                                            + "\(AlertDeliveryFailure.listed(group.alerts.map(\.instanceId))) went to the default destination")
                }
                toDefault += group.alerts
                continue
            }
            var reasons: [String: String] = [:]
            for channel in channels {
                for failure in sending.send(channel, to: group.owner ?? Self.defaultName, groups: [group], form: form, deadline: deadline) {
                    for id in failure.instanceIds where reasons[id] == nil { reasons[id] = failure.description }
                }
            }
            let fellBack = group.alerts.filter { reasons[$0.instanceId] != nil }
            outcome.routed += group.alerts.count - fellBack.count
            outcome.routeFailures += fellBack.count
            outcome.counts.append((group.owner ?? Self.defaultName, group.alerts.count, fellBack.count))
            if !fellBack.isEmpty {
                outcome.undelivered.formUnion(fellBack.map(\.instanceId))
                outcome.problems.append("""
                    \(fellBack.count == 1 ? "1 alert" : "\(fellBack.count) alerts") for \(group.owner ?? "?") \
                    (\(AlertDeliveryFailure.listed(fellBack.map(\.instanceId)))) did not reach the owner's destination and went to the default \
                    destination; the next run tries the owner again: \(reasons[fellBack[0].instanceId] ?? "")
                    """)
                toDefault += fellBack.map { $0.fallingBack(reason: reasons[$0.instanceId] ?? "not delivered") }
            }
        }

        if !toDefault.isEmpty {
            let unrouted = toDefault.filter { $0.undeliveredToOwner == nil }.count
            if unrouted > 0 { outcome.counts.append((Self.defaultName, unrouted, 0)) }
            if routes.fallback.isEmpty && routes.topic == nil {
                outcome.failures.append(AlertDeliveryFailure(
                    instanceIds: toDefault.map(\.instanceId),
                    description: "no default destination for \(AlertDeliveryFailure.listed(toDefault.map(\.instanceId))): set default in the routes document, or a Slack or Teams webhook",
                    underlying: AlertRefused(description: "no default destination")))
                outcome.undelivered.formUnion(toDefault.map(\.instanceId))
            }
            for channel in routes.fallback {
                for failure in sending.send(channel, to: Self.defaultName, groups: [(owner: nil, alerts: toDefault)], form: form, deadline: deadline) {
                    outcome.failures.append(failure)
                    outcome.undelivered.formUnion(failure.instanceIds)
                }
            }
        }

        outcome.delivered = sending.delivered
        // The note is news only when something went out this time (not on a retry that sent nothing).
        if let now = summaryAt, routes.routesByOwner, !routes.fallback.isEmpty, sending.sentAny {
            let note = Self.summary(outcome.counts, now: now)
            for channel in routes.fallback {
                if let failure = channel.send(note: note, deadline: deadline) { outcome.problems.append("the routing summary: \(failure.description)") }
            }
        }
        return outcome
    }

    /// Alerts grouped by owner, in the order owners first appear; unowned alerts form one group with
    /// a nil owner. Owners compare without regard to case, and a group is named in lower case, so
    /// its name does not depend on which instance came first.
    static func byOwner(_ alerts: [Alert]) -> [(owner: String?, alerts: [Alert])] {
        var groups: [(owner: String?, alerts: [Alert])] = []
        var index: [String?: Int] = [:]
        for alert in alerts {
            let key = alert.owner?.lowercased()
            if let position = index[key] {
                groups[position].alerts.append(alert)
            } else {
                index[key] = groups.count
                groups.append((key, [alert]))
            }
        }
        return groups
    }

    /// One delivery's sends: each channel gets the alerts it has not taken in this tick, and what it
    /// took is kept by channel key.
    private struct Sending {
        let alreadyDelivered: [String: Set<String>]
        var delivered: [String: Set<String>] = [:]
        var sentAny = false

        mutating func send(_ channel: any AlertChannel, to destination: String, groups: [(owner: String?, alerts: [Alert])], form: Form,
                           deadline: Date) -> [AlertDeliveryFailure] {
            let key = RunAttempt.channelKey(destination: destination, channel: channel.name)
            let groups = groups.map { group in (owner: group.owner, alerts: group.alerts.filter { alreadyDelivered[$0.instanceId]?.contains(key) != true }) }
                .filter { !$0.alerts.isEmpty }
            guard !groups.isEmpty else { return [] }
            sentAny = true
            let failures: [AlertDeliveryFailure]
            switch form {
            case .each:
                failures = channel.send(each: groups.flatMap(\.alerts), deadline: deadline)
            case .digest(let make):
                failures = groups.compactMap { group in channel.send(digest: make(group.alerts, group.owner), deadline: deadline) }
            }
            let failed = Set(failures.flatMap(\.instanceIds))
            for alert in groups.flatMap(\.alerts) where !failed.contains(alert.instanceId) {
                delivered[alert.instanceId, default: []].insert(key)
            }
            return failures.map { failure in
                var failure = failure
                failure.channel = channel.name
                return failure
            }
        }
    }

    /// `Routed 6 alerts: payments 2, data 1 (1 not delivered: shown here), default 3.`
    static func summary(_ counts: [(destination: String, alerts: Int, undelivered: Int)], now: UTCDateTime) -> AlertNote {
        let total = counts.reduce(0) { $0 + $1.alerts }
        let lines = counts.map { count in
            let alerts = count.alerts == 1 ? "1 alert" : "\(count.alerts) alerts"
            if count.destination == defaultName { return "\(defaultName) (no owner's destination): \(alerts), here" }
            guard count.undelivered > 0 else { return "\(count.destination): \(alerts), delivered" }
            return "\(count.destination): \(alerts), \(count.undelivered) not delivered (shown here; the next run tries again)"
        }
        return AlertNote(title: "instance-watch routed \(total == 1 ? "1 alert" : "\(total) alerts") this run", lines: lines, checkedAt: now)
    }
}
