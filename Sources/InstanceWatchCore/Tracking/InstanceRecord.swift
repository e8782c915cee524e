import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// One item of the table, as the UptimeChecker reads it. Records of the original design carry only
/// `instance_id`, `start_time` and `stop_time`; every other attribute may be missing.
public struct InstanceRecord: Sendable, Equatable {
    public var instanceId: String
    public var startTime: String?
    public var stopTime: String?
    public var state: String?
    public var lastEventTime: String?
    public var lastNotifiedAt: String?
    public var account: String?
    public var region: String?
    /// When EC2 refused to stop the instance for `AUTO_STOP` (a one-time Spot instance, an
    /// instance-store root): it is not asked again until the instance starts anew.
    public var stopRefusedAt: String?
    /// When instance-watch stopped the instance, while that stop has not yet been announced: written
    /// before the alert, removed once it went out, so a stop is announced by a later run if the
    /// run that made it could not.
    public var stopAnnouncementDue: String?
    /// The `stop-after` (seconds) that stop honoured, for its announcement.
    public var autoStopAfter: Int?
    /// Snoozed from Slack: no alert and no auto-stop until then (a new start clears it).
    public var snoozedUntil: String?
    /// Who snoozed it: `@alice (U024BE7LH)`.
    public var snoozedBy: String?
    /// When instance-watch last stopped it (kept after the stop is announced).
    public var autoStoppedAt: String?
    /// Slack app mode: where its newest uptime alert was posted, until the alert is closed in place.
    public var slackChannel: String?
    public var slackTs: String?
    /// The tick (scheduled event id) that claimed a stop of the instance: an attempt of the same
    /// tick, retried by Lambda, counts it against `MAX_STOPS_PER_RUN` and does not stop again.
    public var stopTick: String?
    /// The tick whose alert reached `alertDelivered`: the destinations and channels that took it
    /// (`default/Slack`, `topic/SNS`), so a retry of that tick sends only what did not go out.
    public var alertTick: String?
    public var alertDelivered: String?
    /// Slack app mode: the newest digest (with actions) that listed the instance, until the digest
    /// is closed in place because nothing in it can be acted on any more.
    public var digestChannel: String?
    public var digestTs: String?

    public init(instanceId: String, startTime: String? = nil, stopTime: String? = nil, state: String? = nil,
                lastEventTime: String? = nil, lastNotifiedAt: String? = nil, account: String? = nil, region: String? = nil,
                stopRefusedAt: String? = nil, stopAnnouncementDue: String? = nil, autoStopAfter: Int? = nil) {
        self.instanceId = instanceId
        self.startTime = startTime
        self.stopTime = stopTime
        self.state = state
        self.lastEventTime = lastEventTime
        self.lastNotifiedAt = lastNotifiedAt
        self.account = account
        self.region = region
        self.stopRefusedAt = stopRefusedAt
        self.stopAnnouncementDue = stopAnnouncementDue
        self.autoStopAfter = autoStopAfter
    }

    /// Reads an item; nil for an item without an `instance_id` string (not one of ours).
    public init?(item: DynamoDBItem) {
        guard let id = item["instance_id"]?.stringValue, !id.isEmpty else { return nil }
        func text(_ name: String) -> String? {
            guard let value = item[name]?.stringValue, !value.isEmpty else { return nil }
            return value
        }
        self.init(
            instanceId: id, startTime: text("start_time"), stopTime: text("stop_time"), state: text("state"),
            lastEventTime: text("last_event_time"), lastNotifiedAt: text("last_notified_at"), account: text("account"), region: text("region"),
            stopRefusedAt: text("stop_refused_at"), stopAnnouncementDue: text("stop_announcement_due"),
            autoStopAfter: item["auto_stop_after"]?.intValue
        )
        snoozedUntil = text("snoozed_until")
        snoozedBy = text("snoozed_by")
        autoStoppedAt = text("auto_stopped_at")
        slackChannel = text("slack_channel")
        slackTs = text("slack_ts")
        stopTick = text("stop_tick")
        alertTick = text("alert_tick")
        alertDelivered = text("alert_delivered")
        digestChannel = text("digest_channel")
        digestTs = text("digest_ts")
    }

    /// The attributes the checker reads, for a Scan's projection (`state` and `region` are reserved words).
    public static let projection = DynamoDBExpression(
        "instance_id, start_time, stop_time, #state, last_event_time, last_notified_at, account, #region, stop_refused_at, stop_announcement_due, auto_stop_after, snoozed_until, snoozed_by, auto_stopped_at, slack_channel, slack_ts, stop_tick, alert_tick, alert_delivered, digest_channel, digest_ts",
        names: ["#state": "state", "#region": "region"]
    )

    /// Running as far as the table knows: no stop recorded, and no state other than `running`
    /// (the original design's records have no `state` at all).
    public var saysRunning: Bool {
        stopTime == nil && (state == nil || state == InstanceState.running.rawValue)
    }

    public var startedAt: UTCDateTime? { startTime.flatMap(UTCDateTime.parse) }

    /// The time of the newest thing the table knows about the instance.
    public var lastChange: UTCDateTime? {
        [lastEventTime, stopTime, startTime].compactMap { $0.flatMap(UTCDateTime.parse) }.max()
    }
}

extension InstanceRecord: DynamoDBWireDecodable {
    /// A Scan page's item read straight into a record (the checker reads the whole table every run);
    /// what `init(item:)` makes of the same item: an item without an `instance_id` string is not one
    /// of ours (nil), and any attribute that is not a non-empty string counts as absent.
    public static func read(item reader: inout DynamoDBWireReader) throws(DynamoDBWireReader.Malformed) -> InstanceRecord? {
        var record = InstanceRecord(instanceId: "")
        try reader.forEachAttribute { (name: String, reader: inout DynamoDBWireReader) throws(DynamoDBWireReader.Malformed) in
            switch name {
            case "instance_id": record.instanceId = try reader.readStringAttribute() ?? ""
            case "start_time": record.startTime = try reader.readStringAttribute()
            case "stop_time": record.stopTime = try reader.readStringAttribute()
            case "state": record.state = try reader.readStringAttribute()
            case "last_event_time": record.lastEventTime = try reader.readStringAttribute()
            case "last_notified_at": record.lastNotifiedAt = try reader.readStringAttribute()
            case "account": record.account = try reader.readStringAttribute()
            case "region": record.region = try reader.readStringAttribute()
            case "stop_refused_at": record.stopRefusedAt = try reader.readStringAttribute()
            case "stop_announcement_due": record.stopAnnouncementDue = try reader.readStringAttribute()
            case "auto_stop_after": record.autoStopAfter = try reader.readIntegerAttribute()
            case "snoozed_until": record.snoozedUntil = try reader.readStringAttribute()
            case "snoozed_by": record.snoozedBy = try reader.readStringAttribute()
            case "auto_stopped_at": record.autoStoppedAt = try reader.readStringAttribute()
            case "slack_channel": record.slackChannel = try reader.readStringAttribute()
            case "slack_ts": record.slackTs = try reader.readStringAttribute()
            case "stop_tick": record.stopTick = try reader.readStringAttribute()
            case "alert_tick": record.alertTick = try reader.readStringAttribute()
            case "alert_delivered": record.alertDelivered = try reader.readStringAttribute()
            case "digest_channel": record.digestChannel = try reader.readStringAttribute()
            case "digest_ts": record.digestTs = try reader.readStringAttribute()
            default: try reader.skipAttribute()
            }
        }
        return record.instanceId.isEmpty ? nil : record
    }
}
