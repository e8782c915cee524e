import Lambda
import AWS
import CurlHTTP
import Support
/// `NOTIFY_INTERVAL`: at most one alert per instance per interval. The table's `last_notified_at`
/// is claimed with a conditional write before anything is sent, so two overlapping runs (a retry
/// and the next tick) cannot both notify; a claim whose alert failed is given back.
public enum NotificationCadence {
    /// The rule, on values: due when never notified, or notified at least `interval` seconds before `now`.
    public static func isDue(lastNotifiedAt: String?, now: UTCDateTime, interval: Int) -> Bool {
        guard interval > 0, let last = lastNotifiedAt else { return true }
        guard let lastTime = UTCDateTime.parse(last) else { return true }
        return now.epochSeconds - lastTime.epochSeconds >= interval
    }

    /// The rule as one conditional update: takes `last_notified_at` for `now` only if the record
    /// exists and is due. `ReturnValues: UPDATED_OLD` gives back the previous value, for a release.
    public static func claim(instanceId: String, now: UTCDateTime, interval: Int) -> (key: DynamoDBItem, update: DynamoDBExpression, condition: DynamoDBExpression) {
        let cutoff = UTCDateTime(epochSeconds: now.epochSeconds - interval)
        return (
            ["instance_id": .s(instanceId)],
            DynamoDBExpression("SET last_notified_at = :now", values: [":now": .s(now.extendedISO8601)]),
            DynamoDBExpression(
                "attribute_exists(instance_id) AND (attribute_not_exists(last_notified_at) OR last_notified_at <= :cutoff)",
                values: [":cutoff": .s(cutoff.extendedISO8601)]
            )
        )
    }

    /// Gives a claim back after a failed alert: the previous value returns, unless another run has
    /// claimed the record since.
    public static func release(instanceId: String, claimedAt: UTCDateTime, previous: String?) -> (key: DynamoDBItem, update: DynamoDBExpression, condition: DynamoDBExpression) {
        let update = previous.map { DynamoDBExpression("SET last_notified_at = :previous", values: [":previous": .s($0)]) }
            ?? DynamoDBExpression("REMOVE last_notified_at")
        return (
            ["instance_id": .s(instanceId)], update,
            DynamoDBExpression("last_notified_at = :claimed", values: [":claimed": .s(claimedAt.extendedISO8601)])
        )
    }
}
