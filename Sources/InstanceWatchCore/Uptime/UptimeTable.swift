import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// A claim on an instance's next alert (`NOTIFY_INTERVAL`), with what to restore if the alert fails.
public struct NotificationClaim: Sendable, Equatable {
    public let instanceId: String
    public let claimedAt: UTCDateTime
    public let previous: String?
}

/// The table, as the UptimeChecker uses it: read every record, and claim or give back an alert.
public protocol UptimeTable {
    /// Every record, one page at a time (memory stays at one page); `body` gets the page's records
    /// and how many items the page held.
    func scanRecords(deadline: Date?, _ body: (_ records: [InstanceRecord], _ items: Int) -> Void) throws(AWSClientError)
    /// The records of `ids` that exist (reading only those, not the table).
    func records(ids: [String], deadline: Date?) throws(AWSClientError) -> [InstanceRecord]
    /// Claims the alert for `now`; nil when the instance is not due (or has no record).
    func claimNotification(instanceId: String, now: UTCDateTime, interval: Int, deadline: Date?) throws(AWSClientError) -> NotificationClaim?
    func releaseNotification(_ claim: NotificationClaim, deadline: Date?) throws(AWSClientError)
    /// Notes that EC2 refused to stop the instance, so later runs do not ask again (a new start clears it).
    func markStopRefused(instanceId: String, at now: UTCDateTime, reason: String, deadline: Date?) throws(AWSClientError)
    /// Notes that instance-watch stopped the instance and owes an announcement; written before the
    /// alert, so a run that stops and then fails to alert leaves the announcement to the next.
    func markStopped(instanceId: String, at now: UTCDateTime, after seconds: Int, deadline: Date?) throws(AWSClientError)
    /// The announcement of the stop made at `stoppedAt` went out.
    func markStopAnnounced(instanceId: String, stoppedAt: String, deadline: Date?) throws(AWSClientError)
    /// Claims the instance's stop for this attempt's tick; false when an attempt of the same tick
    /// has (or the instance has no record).
    func claimStop(instanceId: String, attempt: RunAttempt, deadline: Date?) throws(AWSClientError) -> Bool
    /// Gives back a stop claim whose stop did not happen.
    func releaseStop(instanceId: String, attempt: RunAttempt, deadline: Date?) throws(AWSClientError)
    /// Notes everywhere the instance's alert has gone in this tick.
    func noteDelivered(instanceId: String, attempt: RunAttempt, to delivered: Set<String>, deadline: Date?) throws(AWSClientError)
    /// Notes on the record what the savings ledger will want when the instance stops (`StopCredit`:
    /// an alert that went out, an intent to stop it); nothing without a record.
    func noteForLedger(instanceId: String, _ note: DynamoDBExpression, deadline: Date?) throws(AWSClientError)
    /// Takes back an intent to stop that did not become a stop (unless a newer one was noted since).
    func forgetStopCredit(instanceId: String, notedAt: UTCDateTime, deadline: Date?) throws(AWSClientError)
}

public final class DynamoDBUptimeTable: UptimeTable {
    /// Items per Scan page. A full 1 MB page of small records decodes into many times its size;
    /// pages of this many keep the checker's peak memory flat whatever the table's size.
    public static let pageItems = 1000

    let dynamoDB: DynamoDBClient
    let tableName: String

    public init(dynamoDB: DynamoDBClient, tableName: String) {
        self.dynamoDB = dynamoDB
        self.tableName = tableName
    }

    public func scanRecords(deadline: Date?, _ body: (_ records: [InstanceRecord], _ items: Int) -> Void) throws(AWSClientError) {
        try dynamoDB.scanPages(ScanInput(tableName: tableName, limit: Self.pageItems, projection: InstanceRecord.projection), of: InstanceRecord.self, deadline: deadline, body)
    }

    public func records(ids: [String], deadline: Date?) throws(AWSClientError) -> [InstanceRecord] {
        guard !ids.isEmpty else { return [] }
        return try dynamoDB.batchGetItems(tableName: tableName, keys: ids.map { ["instance_id": .s($0)] }, projection: InstanceRecord.projection, deadline: deadline)
            .compactMap(InstanceRecord.init(item:))
    }

    public func claimNotification(instanceId: String, now: UTCDateTime, interval: Int, deadline: Date?) throws(AWSClientError) -> NotificationClaim? {
        let claim = NotificationCadence.claim(instanceId: instanceId, now: now, interval: interval)
        do {
            let output = try dynamoDB.updateItem(
                UpdateItemInput(tableName: tableName, key: claim.key, update: claim.update, condition: claim.condition, returnValues: .updatedOld),
                deadline: deadline
            )
            return NotificationClaim(instanceId: instanceId, claimedAt: now, previous: output.attributes?["last_notified_at"]?.stringValue)
        } catch .conditionalCheckFailed {
            return nil
        }
    }

    /// Applies `update` to the instance's record while `condition` holds; false when it does not
    /// (nothing changed).
    @discardableResult
    public func update(_ instanceId: String, _ update: DynamoDBExpression, if condition: DynamoDBExpression, deadline: Date?) throws(AWSClientError) -> Bool {
        do {
            try dynamoDB.updateItem(UpdateItemInput(tableName: tableName, key: ["instance_id": .s(instanceId)], update: update, condition: condition),
                                    deadline: deadline)
            return true
        } catch .conditionalCheckFailed {
            return false
        }
    }

    /// Applies `update` to the instance's record if it has one; false when it has none (never
    /// recorded, or expired), which the callers accept: there is nothing to remember it on.
    @discardableResult
    public func updateRecorded(_ instanceId: String, _ update: DynamoDBExpression, deadline: Date?) throws(AWSClientError) -> Bool {
        try self.update(instanceId, update, if: DynamoDBExpression("attribute_exists(instance_id)"), deadline: deadline)
    }

    public func markStopRefused(instanceId: String, at now: UTCDateTime, reason: String, deadline: Date?) throws(AWSClientError) {
        // Without a record (never recorded), the refusal is reported all the same.
        try updateRecorded(instanceId, DynamoDBExpression("SET stop_refused_at = :now, stop_refused_reason = :reason", values: [
            ":now": .s(now.extendedISO8601), ":reason": .s(String(reason.prefix(200))),
        ]), deadline: deadline)
    }

    public func markStopped(instanceId: String, at now: UTCDateTime, after seconds: Int, deadline: Date?) throws(AWSClientError) {
        // Without a record (never recorded), this run's alert is the only announcement there can be.
        try updateRecorded(instanceId, DynamoDBExpression("SET stop_announcement_due = :now, auto_stopped_at = :now, auto_stop_after = :after", values: [
            ":now": .s(now.extendedISO8601), ":after": .number(seconds),
        ]), deadline: deadline)
    }

    public func markStopAnnounced(instanceId: String, stoppedAt: String, deadline: Date?) throws(AWSClientError) {
        // Only this stop's: already announced, or a newer stop due, and nothing is cleared.
        try remove("stop_announcement_due", of: instanceId, while: "stop_announcement_due", is: stoppedAt, deadline: deadline)
    }

    /// Removes `attributes` from the instance's record while `attribute` still holds `value`: a
    /// newer value written since stays, with what goes with it.
    public func remove(_ attributes: String, of instanceId: String, while attribute: String, is value: String, deadline: Date?) throws(AWSClientError) {
        // Changed since, or no record: nothing to remove.
        try update(instanceId, DynamoDBExpression("REMOVE \(attributes)"),
                   if: DynamoDBExpression("\(attribute) = :value", values: [":value": .s(value)]), deadline: deadline)
    }

    public func claimStop(instanceId: String, attempt: RunAttempt, deadline: Date?) throws(AWSClientError) -> Bool {
        let claim = attempt.stopClaim()
        return try update(instanceId, claim.update, if: claim.condition, deadline: deadline)
    }

    public func releaseStop(instanceId: String, attempt: RunAttempt, deadline: Date?) throws(AWSClientError) {
        // Unless another tick holds it since.
        try remove("stop_tick", of: instanceId, while: "stop_tick", is: attempt.tick, deadline: deadline)
    }

    public func noteDelivered(instanceId: String, attempt: RunAttempt, to delivered: Set<String>, deadline: Date?) throws(AWSClientError) {
        // Without a record (never recorded), a retry may send it again: there is nothing to note it on.
        try updateRecorded(instanceId, attempt.deliveryNote(delivered), deadline: deadline)
    }

    public func noteForLedger(instanceId: String, _ note: DynamoDBExpression, deadline: Date?) throws(AWSClientError) {
        try updateRecorded(instanceId, note, deadline: deadline)
    }

    public func forgetStopCredit(instanceId: String, notedAt: UTCDateTime, deadline: Date?) throws(AWSClientError) {
        try remove("stop_credit, stop_credit_at", of: instanceId, while: "stop_credit_at", is: notedAt.extendedISO8601, deadline: deadline)
    }

    public func releaseNotification(_ claim: NotificationClaim, deadline: Date?) throws(AWSClientError) {
        let release = NotificationCadence.release(instanceId: claim.instanceId, claimedAt: claim.claimedAt, previous: claim.previous)
        // Another run claimed it since: its claim stands.
        try update(claim.instanceId, release.update, if: release.condition, deadline: deadline)
    }
}
