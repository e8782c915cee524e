import FoundationEssentials
import Logging
import Lambda
import AWS
import CurlHTTP
import Support

/// What the StateChangeHandler answers for an event.
public struct StateChangeResult: Encodable, Sendable, Equatable {
    public var action: TrackingAction
    public var instanceId: String?
    public var state: String?
    public var eventTime: String?
    public var detailType: String?
    public var reason: String?
}

/// The StateChangeHandler's rules: state changes are recorded in the table; Spot interruption
/// warnings and rebalance recommendations become an alert about the instance in every chat channel
/// configured (Slack, Teams); anything else is logged and acknowledged, so EventBridge does not
/// retry events we do not handle.
public struct StateChangeEventHandler: LambdaHandler {
    /// The most of the two-minute warning spent looking the instance up; the alert goes out regardless.
    public static let lookUpBudget = Duration.seconds(5)

    /// What each invocation reports to CloudWatch (docs/operating.md, "Metrics").
    public enum Metric {
        public static let stateChangesRecorded = "StateChangesRecorded"
        public static let staleEvents = "StaleEvents"
        public static let interruptionWarnings = "InterruptionWarnings"
        public static let slackFailures = "SlackFailures"
        public static let routedAlerts = AlertRouter.Metric.routedAlerts
        public static let routeFailures = AlertRouter.Metric.routeFailures
    }

    public static let metricNames = [Metric.stateChangesRecorded, Metric.staleEvents, Metric.interruptionWarnings, Metric.slackFailures,
                                     Metric.routedAlerts, Metric.routeFailures]

    let recorder: any InstanceStateRecording
    let instances: any InstanceLookingUp
    /// Where warnings go (`AlertChannels`, without the uptime topic): the instance's owner's
    /// destination, else the default one.
    let routes: AlertRoutes

    public init(recorder: any InstanceStateRecording, instances: any InstanceLookingUp, routes: AlertRoutes) {
        self.recorder = recorder
        self.instances = instances
        self.routes = routes
    }

    public func handle(_ event: Data, context: LambdaContext) throws -> StateChangeResult {
        switch try EC2Event.parse(event) {
        case .stateChange(let change):
            let action = try recorder.record(change, deadline: context.workDeadline)
            switch action {
            case .recordedStart, .recordedStop, .recordedTermination: context.metrics.count(Metric.stateChangesRecorded)
            case .staleIgnored: context.metrics.count(Metric.staleEvents)
            case .slackNotified, .ignored: break
            }
            context.logger.info("\(change.instanceId) \(change.state.rawValue) at \(change.time.extendedISO8601): \(action.rawValue)")
            return StateChangeResult(action: action, instanceId: change.instanceId, state: change.state.rawValue, eventTime: change.time.extendedISO8601)
        case .spotInterruptionWarning(let warning):
            return try alert(.spotInterruption, warning, detailType: EC2Event.spotInterruptionType, context: context)
        case .rebalanceRecommendation(let warning):
            return try alert(.rebalanceRecommendation, warning, detailType: EC2Event.rebalanceType, context: context)
        case .other(let source, let detailType):
            context.logger.info("ignored an event this function does not handle: \(source.clipped()) / \(detailType.clipped())")
            return StateChangeResult(action: .ignored, detailType: detailType.clipped(), reason: "not an event this function handles (\(source.clipped()))")
        }
    }

    private func alert(_ kind: InterruptionAlert.Kind, _ warning: EC2Event.InterruptionWarning, detailType: String, context: LambdaContext) throws -> StateChangeResult {
        context.metrics.count(Metric.interruptionWarnings)
        guard !routes.isEmpty else {
            context.logger.warning("\(detailType) for \(warning.instanceId), but no Slack or Teams webhook is configured: nobody is told")
            return StateChangeResult(action: .ignored, instanceId: warning.instanceId, detailType: detailType, reason: "no Slack or Teams webhook configured")
        }
        let lookUpDeadline = min(context.workDeadline, Date().addingTimeInterval(Double(Self.lookUpBudget.components.seconds)))
        let lookUp: InterruptionAlert.LookUp
        do {
            let account = warning.account.isEmpty ? nil : warning.account
            if let instance = try instances.instance(id: warning.instanceId, account: account, region: warning.region,
                                                     ownAccountHint: context.invokedFunctionAccount, deadline: lookUpDeadline) {
                lookUp = .found(instance)
            } else {
                lookUp = .failed(reason: "EC2 does not know the instance")
            }
        } catch {
            // The instance may be gone already, or EC2 slow: the warning still goes out with what the event says.
            context.logger.warning("look-up of \(warning.instanceId) failed, alerting with the event's details: \(error)")
            lookUp = .failed(reason: Self.shortReason(error))
        }
        // The owner from the instance's tags (when the look-up found it), else from its account's route.
        let tags: [String: String] = if case .found(let instance) = lookUp { instance.tags } else { [:] }
        let owner = routes.ownership.owner(tags: tags, account: warning.account.isEmpty ? nil : warning.account)
        let alert = InterruptionAlert.alert(kind: kind, warning: warning, lookUp: lookUp, owner: owner)
        // An owner's destination that fails hands the warning to the default destination; only a
        // warning that reached nobody fails the invocation, so EventBridge retries it.
        let outcome = AlertRouter(routes: routes).deliver([alert], form: .each, summaryAt: nil, deadline: context.workDeadline)
        context.metrics.count(Metric.routedAlerts, by: outcome.routed)
        context.metrics.count(Metric.routeFailures, by: outcome.routeFailures)
        for problem in outcome.problems { context.logger.warning("\(problem)") }
        if let first = outcome.failures.first {
            if outcome.failures.contains(where: { $0.channel == "Slack" }) { context.metrics.count(Metric.slackFailures) }
            for failure in outcome.failures { context.logger.error("\(failure)") }
            throw first.underlying
        }
        context.logger.info("\(detailType) for \(warning.instanceId) sent\(owner.map { " for owner \($0)" } ?? "") through \(routes.described)")
        return StateChangeResult(action: .slackNotified, instanceId: warning.instanceId, eventTime: warning.time.extendedISO8601, detailType: detailType)
    }

    /// A failure in a few words, for an alert or an answer to a person.
    public static func shortReason(_ error: any Error) -> String {
        if let access = error as? MemberAccessError {
            // Say which role, so whoever reads the alert knows what to deploy or fix.
            if case .assumeRoleFailed(let roleArn, _) = access { return "\(access.shortReason) for \(roleArn)" }
            return access.shortReason
        }
        switch error as? AWSClientError {
        case .service(let serviceError, _): return serviceError.code
        case .deadlineExceeded: return "timed out"
        case .transport(_, _, let httpError, _): return httpError.description
        default: return String(describing: error)
        }
    }
}
