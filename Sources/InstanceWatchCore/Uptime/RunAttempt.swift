import FoundationEssentials
import AWS
import Support

/// What one attempt of a run may not redo. A run that fails (a channel down) is retried by Lambda
/// with the same scheduled event, twice; each attempt re-reads EC2, so without a memory of the
/// tick it would stop the next `MAX_STOPS_PER_RUN` instances and send every alert again. The
/// tick's id (the event's, the same in every attempt) is written beside each stop and each delivery
/// before or as they happen:
///
/// - a stop is claimed on the instance's record (`stop_tick`) before EC2 is asked, and given back
///   if the stop fails; an attempt counts the claims of its tick already in the table against the
///   cap, and never stops an instance its tick has claimed;
/// - an alert's deliveries are noted on the record (`alert_tick`, `alert_delivered`: each
///   destination and channel that took it), so an attempt of the same tick sends each alert only
///   where it has not gone yet.
///
/// The attempt still fails while a channel is down, so the errors metric and its alarm see it.
/// Without an id (a hand-made invocation), every run is a tick of its own.
public struct RunAttempt: Sendable, Equatable {
    public let tick: String

    public init?(tick: String?) {
        guard let tick, !tick.isEmpty else { return nil }
        self.tick = tick
    }

    /// Where an alert went: `topic/SNS`, `payments/Slack`, `default/Teams`.
    public static func channelKey(destination: String, channel: String) -> String { "\(destination)/\(channel)" }

    /// Whether an earlier attempt of this tick claimed the record's stop.
    public func claimedStop(_ record: InstanceRecord) -> Bool { record.stopTick == tick }

    /// The destinations and channels that took the instance's alert in this tick, by its record.
    public func delivered(_ instance: RunningInstance) -> Set<String> {
        guard instance.alertTick == tick, let list = instance.alertDelivered else { return [] }
        return Set(list.split(separator: ",").map(String.init))
    }

    /// Claims the instance's stop for this tick: only if the record exists and no attempt of this
    /// tick has claimed it.
    public func stopClaim() -> (update: DynamoDBExpression, condition: DynamoDBExpression) {
        (DynamoDBExpression("SET stop_tick = :tick", values: [":tick": .s(tick)]),
         DynamoDBExpression("attribute_exists(instance_id) AND (attribute_not_exists(stop_tick) OR stop_tick <> :tick)", values: [":tick": .s(tick)]))
    }

    /// Notes where the alert went in this tick: everything that has taken it so far.
    public func deliveryNote(_ delivered: Set<String>) -> DynamoDBExpression {
        DynamoDBExpression("SET alert_tick = :tick, alert_delivered = :delivered",
                           values: [":tick": .s(tick), ":delivered": .s(delivered.sorted().joined(separator: ","))])
    }
}

extension RunAttempt {
    /// Notes on each record where its alert has gone in this tick, through the run's pool; the
    /// failures, for the run's.
    package func note(_ delivered: [String: Set<String>], through executor: any RunExecutor, deadline: Date) -> [String] {
        let notes = delivered.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { (id: $0.key, channels: $0.value) }
        return executor.failures(notes) { run, note throws(AWSClientError) in
            try run.table.noteDelivered(instanceId: note.id, attempt: self, to: note.channels, deadline: deadline)
        } describing: { note, error in "noting where the alert of \(note.id) went failed (a retry may send it again): \(error)" }
    }
}
