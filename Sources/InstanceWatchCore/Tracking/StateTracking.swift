import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// What the StateChangeHandler did with an event (the `action` of its answer).
public enum TrackingAction: String, Sendable, Codable {
    case recordedStart = "recorded-start"
    case recordedStop = "recorded-stop"
    case recordedTermination = "recorded-termination"
    case staleIgnored = "stale-ignored"
    case slackNotified = "slack-notified"
    case ignored
}

/// What the table holds of an instance, as far as ordering events goes.
public struct RecordedState: Sendable, Equatable {
    public var lastEventTime: String?
    public var state: InstanceState?

    public init(lastEventTime: String?, state: InstanceState?) {
        self.lastEventTime = lastEventTime
        self.state = state
    }
}

/// One conditional write that records a state change if, and only if, the event supersedes what
/// the table holds: the rule below, expressed as a DynamoDB condition so that no read-then-write
/// race can let an older event win.
public struct InstanceRecordUpdate: Sendable, Equatable {
    public let action: TrackingAction
    public let key: DynamoDBItem
    public let update: DynamoDBExpression
    public let condition: DynamoDBExpression
}

/// The rules for recording EC2 state changes. EventBridge delivers at least once and in any order,
/// so a record only moves forward.
public enum StateTracking {
    /// How long a terminated instance's record stays (the table's TTL, `expires_at`). Longer than
    /// EventBridge retries an event (24 hours), so no late event finds the record gone.
    public static let terminatedRetentionSeconds = 30 * 86_400

    /// States after which an instance never runs again.
    static let terminalStates: [InstanceState] = [.shuttingDown, .terminated]

    /// The rule: an event applies when it is newer than the record's last event, or as new and later
    /// in the lifecycle; and never moves a shutting-down or terminated instance back or sideways.
    /// Records of the older design (no `last_event_time`, no `state`) accept any event.
    public static func supersedes(_ state: InstanceState, at time: UTCDateTime, _ recorded: RecordedState) -> Bool {
        if let stored = recorded.state, terminalStates.contains(stored), stored >= state { return false }
        guard let last = recorded.lastEventTime else { return true }
        let eventTime = time.extendedISO8601
        if eventTime != last { return eventTime > last }
        guard let stored = recorded.state else { return false }
        return stored < state
    }

    /// The write for a state change; nil for `pending`, which changes nothing.
    public static func update(for change: EC2Event.StateChange) -> InstanceRecordUpdate? {
        let time = change.time.extendedISO8601
        let action: TrackingAction
        var assignments = [
            "#state = :state", "last_event_time = :time", "account = :account", "#region = :region",
        ]
        var values: DynamoDBItem = [
            ":state": .s(change.state.rawValue), ":time": .s(time), ":account": .s(change.account), ":region": .s(change.region),
        ]
        var removals: [String] = []
        switch change.state {
        case .pending:
            return nil
        case .running:
            action = .recordedStart
            assignments += ["start_time = :time", "stop_time = :empty"]
            values[":empty"] = .s("")
            // A new start: the TTL of an ended record goes, and so do an earlier refusal to stop, a
            // snooze and the Slack message with buttons, which were about the last run of the instance.
            removals += ["expires_at", "stop_refused_at", "snoozed_until", "snoozed_by", "slack_channel", "slack_ts"]
            // And what the savings ledger knew of the last run: its first stop, a noted intent to stop it, its last alert.
            removals += [StopCredit.ledgerStop, "stop_credit", "stop_credit_at", "alerted_at"]
        case .stopping, .stopped:
            action = .recordedStop
            // The run's first stop (`stopping`, then `stopped`, are one stop): what the ledger keys it by.
            assignments += ["stop_time = :time", "start_time = if_not_exists(start_time, :empty)", "\(StopCredit.ledgerStop) = if_not_exists(\(StopCredit.ledgerStop), :time)"]
            values[":empty"] = .s("")
        case .shuttingDown, .terminated:
            action = .recordedTermination
            assignments += ["stop_time = :time", "start_time = if_not_exists(start_time, :empty)", "expires_at = :expires"]
            values[":empty"] = .s("")
            values[":expires"] = .number(change.time.epochSeconds + terminatedRetentionSeconds)
        }
        let updateText = "SET " + assignments.joined(separator: ", ") + (removals.isEmpty ? "" : " REMOVE " + removals.joined(separator: ", "))
        return InstanceRecordUpdate(
            action: action,
            key: ["instance_id": .s(change.instanceId)],
            update: DynamoDBExpression(updateText, names: ["#state": "state", "#region": "region"], values: values),
            condition: condition(for: change.state, time: time)
        )
    }

    /// `supersedes`, as a condition expression over the stored item.
    static func condition(for state: InstanceState, time: String) -> DynamoDBExpression {
        precondition(state != .pending, "pending is never written")
        var values: DynamoDBItem = [":time": .s(time)]
        let earlierStates = InstanceState.allCases.filter { $0 < state }
        let tie = "last_event_time = :time AND #state IN (" + earlierStates.enumerated().map { index, earlier in
            values[":earlier\(index)"] = .s(earlier.rawValue)
            return ":earlier\(index)"
        }.joined(separator: ", ") + ")"
        let newer = "(attribute_not_exists(last_event_time) OR last_event_time < :time OR (\(tie)))"
        let blocking = terminalStates.filter { $0 >= state }
        let final = "(attribute_not_exists(#state) OR NOT #state IN (" + blocking.enumerated().map { index, terminal in
            values[":final\(index)"] = .s(terminal.rawValue)
            return ":final\(index)"
        }.joined(separator: ", ") + "))"
        return DynamoDBExpression("\(newer) AND \(final)", names: ["#state": "state"], values: values)
    }
}
