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
    public static func claim(instanceId: String, now: UTCDateTime, interval: Int) -> (key: DynamoDBItem, update: Expression, condition: Expression) {
        let cutoff = UTCDateTime(epochSeconds: now.epochSeconds - interval)
        return (
            ["instance_id": .s(instanceId)],
            Expression("SET last_notified_at = :now", values: [":now": .s(now.extendedISO8601)]),
            Expression(
                "attribute_exists(instance_id) AND (attribute_not_exists(last_notified_at) OR last_notified_at <= :cutoff)",
                values: [":cutoff": .s(cutoff.extendedISO8601)]
            )
        )
    }

    /// Gives a claim back after a failed alert: the previous value returns, unless another run has
    /// claimed the record since.
    public static func release(instanceId: String, claimedAt: UTCDateTime, previous: String?) -> (key: DynamoDBItem, update: Expression, condition: Expression) {
        let update = previous.map { Expression("SET last_notified_at = :previous", values: [":previous": .s($0)]) }
            ?? Expression("REMOVE last_notified_at")
        return (
            ["instance_id": .s(instanceId)], update,
            Expression("last_notified_at = :claimed", values: [":claimed": .s(claimedAt.extendedISO8601)])
        )
    }
}
