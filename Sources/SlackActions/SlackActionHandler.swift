import FoundationEssentials
import InstanceWatchCore
import Logging
import Lambda
import AWS
import CurlHTTP
import Support

/// Posts the updated message to an interaction's `response_url`; the seam tests use to see it.
public protocol SlackResponding {
    func respond(to url: URL, _ message: SlackMessage, deadline: Date) throws
}

/// The SlackActionHandler's rules: a click on an alert's button (Snooze 1 day, Snooze 1 week, Stop
/// now), behind a Function URL. Slack's signature is verified before anything else is read; the
/// button's instance is checked against the table; the action is done, recorded (who, what) and
/// the message updated in place through the interaction's `response_url`.
///
/// Everything happens before the answer: once the runtime posts a response, Lambda may freeze the
/// process until the next invocation, so work left for after it could wait for hours or never run.
/// Slack wants the answer within 3 seconds; the work is bounded well inside that (`workBudget`).
public struct SlackActionHandler: LambdaHandler {
    public enum Metric {
        /// Actions done, by action (the EMF line carries `SlackActions` and one metric per action).
        public static let slackActions = "SlackActions"
        public static let snoozes = "SlackActionsSnooze"
        public static let stops = "SlackActionsStop"
        /// Requests refused: a bad signature, a stale timestamp, a button the table does not back.
        public static let refused = "SlackActionsRefused"
    }

    public static let metricNames = [Metric.slackActions, Metric.snoozes, Metric.stops, Metric.refused]

    /// What the handler allows (`SLACK_STOP`, `SLACK_STOP_USERS`).
    public struct Permissions: Sendable, Equatable {
        public var stop: Bool
        /// Slack user ids allowed to press Stop now; empty: anyone in the channel.
        public var stopUsers: Set<String>

        public init(stop: Bool, stopUsers: Set<String>) {
            self.stop = stop
            self.stopUsers = stopUsers
        }
    }

    /// The most the work may take: Slack gives up on an answer after 3 seconds.
    public static let workBudget: TimeInterval = 2.5

    let signingSecret: String
    let table: any SlackActionTable
    let fleet: any FleetInventory
    let responder: any SlackResponding
    let permissions: Permissions
    let clock: () -> Date

    public init(signingSecret: String, table: any SlackActionTable, fleet: any FleetInventory, responder: any SlackResponding,
                permissions: Permissions, clock: @escaping () -> Date) {
        self.signingSecret = signingSecret
        self.table = table
        self.fleet = fleet
        self.responder = responder
        self.permissions = permissions
        self.clock = clock
    }

    public func handle(_ event: Data, context: LambdaContext) throws -> FunctionURLResponse {
        let now = clock()
        let logger = context.logger
        guard let request = try? JSONDecoder().decode(FunctionURLRequest.self, from: event), let body = request.rawBody else {
            context.metrics.count(Metric.refused)
            logger.warning("refused a request that is not a Function URL request with a readable body")
            return .text(400, "not a Function URL request")
        }
        // Nothing of the request is read before its signature is checked.
        let verdict = SlackSignature.verify(secret: signingSecret, timestamp: request.header("X-Slack-Request-Timestamp"),
                                            signature: request.header("X-Slack-Signature"), body: body, now: now)
        guard verdict == .valid else {
            context.metrics.count(Metric.refused)
            logger.warning("refused a request: \(verdict.reason)")
            return .text(401, "unauthorized")
        }
        let interaction: SlackInteraction
        do {
            interaction = try SlackInteraction.parse(formBody: body)
        } catch {
            context.metrics.count(Metric.refused)
            logger.warning("refused a signed request: \(error)")
            return .text(400, "not a button click instance-watch knows")
        }
        let deadline = min(context.workDeadline, Date().addingTimeInterval(Self.workBudget))
        let outcome = act(interaction, now: UTCDateTime(now), ownAccountHint: context.invokedFunctionAccount, deadline: deadline, logger: logger)
        switch outcome {
        case .done(let action, let text):
            context.metrics.count(Metric.slackActions)
            context.metrics.count(action == .stopNow ? Metric.stops : Metric.snoozes)
            reply(interaction, SlackActionMessage.done(text, replacing: !interaction.fromDigest), deadline: deadline, logger: logger)
        case .refused(let reason):
            context.metrics.count(Metric.refused)
            reply(interaction, SlackActionMessage.refused(reason), deadline: deadline, logger: logger)
        }
        return FunctionURLResponse(statusCode: 200, headers: [:], body: "")
    }

    enum Outcome: Equatable {
        case done(SlackButtonAction, String)
        case refused(String)
    }

    /// The action a signed click asks for, checked against the table and the permissions.
    func act(_ interaction: SlackInteraction, now: UTCDateTime, ownAccountHint: String?, deadline: Date, logger: Logger) -> Outcome {
        let who = "@\(interaction.userName.prefix(80)) (\(interaction.userId.prefix(20)))"
        guard let action = SlackButtonAction(rawValue: interaction.actionId) else {
            logger.warning("\(who) pressed a button instance-watch does not have: \(interaction.actionId.prefix(40))")
            return .refused("instance-watch has no such button")
        }
        guard let value = SlackButtonValue.decode(interaction.value) else {
            logger.warning("\(who) pressed \(action.rawValue) with a value that names no instance")
            return .refused("the button names no instance")
        }
        let record: InstanceRecord
        do {
            guard let found = try table.record(instanceId: value.instanceId, deadline: deadline),
                  found.account == value.account, (found.region ?? value.region) == value.region
            else {
                logger.warning("\(who) pressed \(action.rawValue) for \(value.instanceId), which the table does not hold in account \(value.account ?? "?") and region \(value.region): refused")
                return .refused("instance-watch does not know \(value.instanceId) in that account and region")
            }
            record = found
        } catch {
            logger.error("\(action.rawValue) for \(value.instanceId) by \(who): reading the table failed: \(error)")
            return .refused("instance-watch could not read its table; try again")
        }
        guard record.saysRunning else { return .refused("\(value.instanceId) is not running (\(record.state ?? "stopped"))") }

        if let seconds = action.snoozeSeconds {
            let until = UTCDateTime(epochSeconds: now.epochSeconds + seconds)
            do {
                guard try table.snooze(instanceId: value.instanceId, account: record.account, until: until, by: who, deadline: deadline) else {
                    return .refused("\(value.instanceId) changed meanwhile; nothing was snoozed")
                }
            } catch {
                logger.error("snoozing \(value.instanceId) for \(who) failed: \(error)")
                return .refused("snoozing failed; try again")
            }
            logger.info("\(value.instanceId) snoozed until \(until.extendedISO8601) by \(who)")
            return .done(action, "\(value.instanceId) snoozed until \(SlackActionMessage.when(until)) by \(who): no alert and no auto-stop until then, or until it starts again.")
        }
        return stop(value, record: record, who: who, userId: interaction.userId, ownAccountHint: ownAccountHint, deadline: deadline, logger: logger)
    }

    private func stop(_ value: SlackButtonValue, record: InstanceRecord, who: String, userId: String, ownAccountHint: String?, deadline: Date,
                      logger: Logger) -> Outcome {
        guard permissions.stop else { return .refused("Stop now is off here (SLACK_STOP)") }
        guard permissions.stopUsers.isEmpty || permissions.stopUsers.contains(userId) else {
            logger.warning("\(who) may not stop instances (SLACK_STOP_USERS): \(value.instanceId) left running")
            return .refused("you are not among those allowed to stop instances (SLACK_STOP_USERS)")
        }
        do {
            // The function's own account comes from its ARN (STS in a local run), never from the click.
            let ownAccount = try fleet.ownAccount(hint: ownAccountHint, deadline: deadline)
            let pair = AccountRegion(account: record.account ?? ownAccount, region: value.region)
            let ec2 = try fleet.stoppingEC2(for: pair, ownAccount: ownAccount, deadline: deadline)
            // EC2's word, not the alert's: still running, and nothing that would replace it manages it.
            guard let instance = try ec2.instance(id: value.instanceId, deadline: deadline), instance.state == "running" else {
                return .refused("\(value.instanceId) is not running")
            }
            if let manager = ManagedInstances.manager(tags: instance.tags) {
                logger.warning("\(who) pressed Stop now for \(value.instanceId), managed by \(manager): refused")
                return .refused("\(value.instanceId) is managed by \(manager), which would replace it: stop it there")
            }
            _ = try ec2.stopInstance(id: value.instanceId, deadline: deadline)
            try? table.noteAction(instanceId: value.instanceId, action: "stopped", by: who, deadline: deadline)
            logger.info("\(value.instanceId) in \(pair.description) stopped by \(who)")
            return .done(.stopNow, "\(value.instanceId) is stopping, stopped by \(who).")
        } catch {
            logger.error("stopping \(value.instanceId) for \(who) failed: \(error)")
            return .refused("stopping \(value.instanceId) failed: \(StateChangeEventHandler.shortReason(error))")
        }
    }

    private func reply(_ interaction: SlackInteraction, _ message: SlackMessage, deadline: Date, logger: Logger) {
        guard let url = interaction.responseURL.flatMap({ SlackActionMessage.isResponseURL($0) ? $0 : nil }) else {
            logger.warning("the interaction has no usable response_url: the message is not updated")
            return
        }
        do {
            try responder.respond(to: url, message, deadline: deadline)
        } catch {
            logger.error("updating the message through response_url failed: \(error)")
        }
    }
}

extension SlackButtonAction {
    var snoozeSeconds: Int? {
        switch self {
        case .snoozeDay: return 86_400
        case .snoozeWeek: return 7 * 86_400
        case .stopNow: return nil
        }
    }
}
