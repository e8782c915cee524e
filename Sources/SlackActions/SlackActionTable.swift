import FoundationEssentials
import InstanceWatchCore
import AWS
import Support

/// The table, as the SlackActionHandler uses it: read one record, snooze it, note an action. Every
/// write is conditional on the record still naming the account the button was checked against.
public protocol SlackActionTable {
    func record(instanceId: String, deadline: Date?) throws(AWSClientError) -> InstanceRecord?
    /// Snoozes the instance's run whose `start_time` is `runStartedAt` (as the table holds it) until `until`; false when the record
    /// no longer matches (stopped, another account, or a new run since): nothing changed.
    func snooze(instanceId: String, account: String?, runStartedAt: String, until: UTCDateTime, by: String, deadline: Date?) throws(AWSClientError) -> Bool
    /// Notes what was done and by whom (`last_action`, `last_action_by`).
    func noteAction(instanceId: String, action: String, by: String, deadline: Date?) throws(AWSClientError)
    /// Notes, before EC2 is asked, who is stopping the instance (`StopCredit.intent`), and takes it
    /// back when EC2 did not stop it.
    func noteStopIntent(instanceId: String, by: String, at time: UTCDateTime, deadline: Date?) throws(AWSClientError)
    func forgetStopIntent(instanceId: String, notedAt: UTCDateTime, deadline: Date?) throws(AWSClientError)
}

public final class DynamoDBSlackActionTable: SlackActionTable {
    /// The checker's view of the same table: its reads and its conditional updates.
    private let table: DynamoDBUptimeTable

    public init(dynamoDB: DynamoDBClient, tableName: String) {
        table = DynamoDBUptimeTable(dynamoDB: dynamoDB, tableName: tableName)
    }

    public func record(instanceId: String, deadline: Date?) throws(AWSClientError) -> InstanceRecord? {
        try table.records(ids: [instanceId], deadline: deadline).first
    }

    /// The record exists, is running (by its state, or, in the seed's format without one, by an
    /// empty stop time), is still in the run the button was about, and names the same account (or
    /// none, as records of one account may not).
    private func condition(account: String?, runStartedAt: String, values: inout [String: AttributeValue]) -> String {
        values[":running"] = .s("running")
        values[":empty"] = .s("")
        values[":start"] = .s(runStartedAt)
        let running = "(#state = :running OR (attribute_not_exists(#state) AND stop_time = :empty)) AND start_time = :start"
        guard let account else { return "attribute_exists(instance_id) AND \(running) AND attribute_not_exists(account)" }
        values[":account"] = .s(account)
        return "attribute_exists(instance_id) AND \(running) AND account = :account"
    }

    public func snooze(instanceId: String, account: String?, runStartedAt: String, until: UTCDateTime, by: String, deadline: Date?) throws(AWSClientError) -> Bool {
        var values: [String: AttributeValue] = [":until": .s(until.extendedISO8601), ":by": .s(by), ":action": .s("snoozed until \(until.extendedISO8601)")]
        let condition = condition(account: account, runStartedAt: runStartedAt, values: &values)
        return try table.update(instanceId, DynamoDBExpression("SET snoozed_until = :until, snoozed_by = :by, last_action = :action, last_action_by = :by", values: values),
                                if: DynamoDBExpression(condition, names: ["#state": "state"], values: [:]), deadline: deadline)
    }

    public func noteStopIntent(instanceId: String, by: String, at time: UTCDateTime, deadline: Date?) throws(AWSClientError) {
        // The price, owner and Name are the alert's, noted when it went out.
        try table.noteForLedger(instanceId: instanceId, StopCredit.intent(by: by, at: time, facts: StopCredit.Facts()), deadline: deadline)
    }

    public func forgetStopIntent(instanceId: String, notedAt: UTCDateTime, deadline: Date?) throws(AWSClientError) {
        try table.forgetStopCredit(instanceId: instanceId, notedAt: notedAt, deadline: deadline)
    }

    public func noteAction(instanceId: String, action: String, by: String, deadline: Date?) throws(AWSClientError) {
        // Without a record (terminated and expired), the stop itself stands.
        try table.updateRecorded(instanceId, DynamoDBExpression("SET last_action = :action, last_action_by = :by",
                                                                values: [":action": .s(action), ":by": .s(by)]), deadline: deadline)
    }
}
