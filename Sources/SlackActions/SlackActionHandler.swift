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

    /// What the handler allows (`SLACK_STOP`, `SLACK_STOP_USERS`, `SLACK_ACTION_USERS`) and whose
    /// clicks it takes (`SLACK_TEAM_ID`, `SLACK_APP_ID`).
    public struct Permissions: Sendable, Equatable {
        public var stop: Bool
        /// Slack user ids allowed to press Stop now; empty: anyone in the channel.
        public var stopUsers: Set<String>
        /// Slack user ids allowed to snooze; empty: anyone in the channel.
        public var snoozeUsers: Set<String>
        /// The workspace and app whose clicks are taken; nil: not checked.
        public var teamId: String?
        public var appId: String?

        public init(stop: Bool, stopUsers: Set<String>, snoozeUsers: Set<String> = [], teamId: String? = nil, appId: String? = nil) {
            self.stop = stop
            self.stopUsers = stopUsers
            self.snoozeUsers = snoozeUsers
            self.teamId = teamId
            self.appId = appId
        }

        /// Why a click's workspace or app is not the one configured (for the log, and the answer); nil
        /// when it is, or when none is configured.
        func foreignOrigin(of interaction: SlackInteraction) -> (logged: String, answer: String)? {
            if let teamId, interaction.teamId != teamId {
                return ("from workspace \(interaction.teamId?.prefix(24) ?? "unknown"), not SLACK_TEAM_ID", "not this workspace")
            }
            if let appId, interaction.appId != appId {
                return ("through app \(interaction.appId?.prefix(24) ?? "unknown"), not SLACK_APP_ID", "not this app")
            }
            return nil
        }
    }

    /// The most the work may take: Slack gives up on an answer after 3 seconds.
    public static let workBudget: TimeInterval = 2.5

    let signingSecret: String
    let table: any SlackActionTable
    let fleet: any FleetInventory
    let responder: any SlackResponding
    let permissions: Permissions
    /// Whether a `response_url` may be plain `http://` to loopback: never in Lambda, where loopback
    /// is the Runtime API (a signed click still carries a URL anyone in the workspace could shape).
    let plainHTTP: WebhookURL.PlainHTTP
    let clock: () -> Date

    public init(signingSecret: String, table: any SlackActionTable, fleet: any FleetInventory, responder: any SlackResponding,
                permissions: Permissions, plainHTTP: WebhookURL.PlainHTTP, clock: @escaping () -> Date) {
        self.signingSecret = signingSecret
        self.table = table
        self.fleet = fleet
        self.responder = responder
        self.permissions = permissions
        self.plainHTTP = plainHTTP
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
        // A signed click from another workspace or app of the same signing secret's owner is not ours.
        if let foreign = permissions.foreignOrigin(of: interaction) {
            context.metrics.count(Metric.refused)
            logger.warning("refused a click \(foreign.logged)")
            return .text(403, foreign.answer)
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
                  try recordAccount(found, ownAccountHint: ownAccountHint, deadline: deadline) == value.account,
                  (found.region ?? value.region) == value.region
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
        // The button acts on the run its alert was about, never on a later one: a week-old Stop now
        // must not stop an instance that has since stopped, started again and is within its limit.
        guard let runStart = value.runStartedAt, let startTime = record.startTime, let recordedStart = UTCDateTime.parse(startTime),
              recordedStart.epochSeconds == runStart else {
            let since = record.startedAt.map { " (it started again at \(SlackActionMessage.when($0)))" } ?? ""
            logger.warning("\(who) pressed \(action.rawValue) for \(value.instanceId) on an alert about an earlier run\(since): refused")
            return .refused("this alert was about an earlier run of \(value.instanceId)\(since): nothing was done; use the buttons of its newest alert")
        }

        if let seconds = action.snoozeSeconds {
            // A snooze also holds off auto-stop: it has its own list of who may.
            guard permissions.snoozeUsers.isEmpty || permissions.snoozeUsers.contains(interaction.userId) else {
                logger.warning("\(who) may not snooze (SLACK_ACTION_USERS): \(value.instanceId) left as it was")
                return .refused("you are not among those allowed to snooze instances (SLACK_ACTION_USERS)")
            }
            let until = UTCDateTime(epochSeconds: now.epochSeconds + seconds)
            do {
                guard try table.snooze(instanceId: value.instanceId, account: record.account, runStartedAt: startTime, until: until, by: who,
                                       deadline: deadline) else {
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

    /// The account a record is about: its own, or, for a record in the seed's format (written before
    /// records named their account), the function's own account, from its ARN (STS in a local run).
    private func recordAccount(_ record: InstanceRecord, ownAccountHint: String?, deadline: Date) throws -> String? {
        if let account = record.account { return account }
        return try fleet.ownAccount(hint: ownAccountHint, deadline: deadline)
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
            // A start the table has not heard of yet is a new run too.
            if let launch = instance.launchTime.flatMap(UTCDateTime.parse), let runStart = value.runStartedAt, launch.epochSeconds > runStart {
                logger.warning("\(who) pressed Stop now for \(value.instanceId), which EC2 says started again at \(launch.extendedISO8601): refused")
                return .refused("\(value.instanceId) started again at \(SlackActionMessage.when(launch)), after this alert: nothing was done")
            }
            if let manager = ManagedInstances.manager(tags: instance.tags) {
                logger.warning("\(who) pressed Stop now for \(value.instanceId), managed by \(manager): refused")
                return .refused("\(value.instanceId) is managed by \(manager), which would replace it: stop it there")
            }
            // Noted before EC2 is asked: the stop's state change credits it to this user in the
            // savings ledger. Without the note the stop still happens; only its credit is lost.
            let notedAt = UTCDateTime(clock())
            do {
                try table.noteStopIntent(instanceId: value.instanceId, by: StopCredit.slack(user: userId), at: notedAt, deadline: deadline)
            } catch {
                logger.warning("noting the Stop now of \(value.instanceId) for the savings ledger failed, stopping all the same: \(error)")
            }
            do {
                _ = try ec2.stopInstance(id: value.instanceId, deadline: deadline)
            } catch {
                try? table.forgetStopIntent(instanceId: value.instanceId, notedAt: notedAt, deadline: deadline)
                throw error
            }
            try? table.noteAction(instanceId: value.instanceId, action: "stopped", by: who, deadline: deadline)
            logger.info("\(value.instanceId) in \(pair.description) stopped by \(who)")
            return .done(.stopNow, "\(value.instanceId) is stopping, stopped by \(who).")
        } catch {
            logger.error("stopping \(value.instanceId) for \(who) failed: \(error)")
            return .refused("stopping \(value.instanceId) failed: \(StateChangeEventHandler.shortReason(error))")
        }
    }

    private func reply(_ interaction: SlackInteraction, _ message: SlackMessage, deadline: Date, logger: Logger) {
        guard let url = interaction.responseURL.flatMap({ SlackActionMessage.isResponseURL($0, plainHTTP: plainHTTP) ? $0 : nil }) else {
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
