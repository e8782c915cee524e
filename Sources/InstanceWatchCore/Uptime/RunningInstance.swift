import Lambda
import AWS
import CurlHTTP
import Support

/// An instance the check counts as running, with what is known about it: its `Fields`, read and
/// written through the instance (`instance.name`, `instance.policy.autoStop = …`).
///
/// The fields live in a box that copies share until one of them changes (copy on write, as
/// Swift's own collections do). A run passes its overdue instances through several lists (the
/// plan, the evidence, the stops, those alerted, those due, the digest): as plain values each list
/// held its own 600-byte copies, 120 MB at 17,000 overdue instances; now each holds a reference.
@dynamicMemberLookup
public struct RunningInstance: Sendable, Equatable {
    public struct Fields: Sendable, Equatable {
        public var id: String
        public var name: String?
        public var type: String?
        public var region: String
        public var account: String?
        public var since: UTCDateTime
        /// The settings that apply to it (its limit, alerting, auto-stop) and where each came from.
        public var policy: InstancePolicy
        public var limit: UptimePolicy.Limit {
            get { policy.limit }
            set { policy.limit = newValue }
        }
        /// From the table; nil for an instance the table did not hold.
        public var lastNotifiedAt: String?
        /// Whether EC2 described it: if not, Name, type and tags are unknown rather than absent.
        public var describedByEC2: Bool
        /// Its availability zone and whether it is a Spot instance, for its price (nil: unknown).
        public var zone: String?
        public var isSpot: Bool?
        /// Seconds after which it is to be stopped: its `instance-watch:stop-after` tag, or a policy.
        public var stopAfter: Int? {
            get { policy.stopAfter }
            set { policy.stopAfter = newValue }
        }
        /// EC2 refused to stop it before, since it last started: it is not asked again.
        public var stopRefused = false
        /// Its tags as EC2 gave them (empty when EC2 did not describe it): who owns it comes from them.
        public var tags: [String: String] = [:]
        /// Who owns it (`Ownership`: a tag, else its account's route); set before alerts are written.
        public var owner: String?
        /// What manages (and would replace) it, from its tags: such an instance is never stopped.
        public var manager: String?
        /// Its LaunchTime as EC2 gave it: a stop goes ahead only if EC2 still gives the same one.
        public var launchTime: String?
        /// Set on an announcement owed from an earlier run: when instance-watch stopped it. Its uptime
        /// ends there.
        public var stoppedAt: UTCDateTime?
        /// What it costs, when a price is known (filled in before the alert is written).
        public var price: InstancePrice?
        /// What CloudWatch says it has been doing (filled in for overdue instances and those due to stop).
        public var activity: Activity?
        /// What `AUTO_STOP` did about it this run.
        public var stop: StopOutcome?
        /// Snoozed from Slack until then, by whom (from the table).
        public var snoozedUntil: UTCDateTime?
        public var snoozedBy: String?

        /// Snoozed at `now`: neither alerted nor stopped.
        public func isSnoozed(at now: UTCDateTime) -> Bool { snoozedUntil.map { $0 > now } ?? false }

        /// `i-… (web): snoozed until 2026-12-03T09:00:00Z by @alice (U024BE7LH)`.
        public var snoozeLine: String {
            "\(id) (\(displayName)): snoozed until \(snoozedUntil?.extendedISO8601 ?? "?") by \(snoozedBy ?? "someone")"
        }


        /// Where its alert went in the tick that last noted one (`RunAttempt`), as the record holds it.
        public var alertTick: String?
        public var alertDelivered: String?

        /// What the record remembers of earlier runs: the snooze (a recorded start, and the checker's
        /// repair of a missed one, clear it) and the last tick's deliveries.
        public mutating func remember(_ record: InstanceRecord) {
            alertTick = record.alertTick
            alertDelivered = record.alertDelivered
            guard let until = record.snoozedUntil.flatMap(UTCDateTime.parse) else { return }
            snoozedUntil = until
            snoozedBy = record.snoozedBy
        }

        /// Opted in to being stopped, and has run at least that long.
        public func isDueToStop(at now: UTCDateTime) -> Bool {
            stoppedAt == nil && (stopAfter.map { uptimeSeconds(at: now) >= $0 } ?? false)
        }

        public init(id: String, name: String? = nil, type: String? = nil, region: String, account: String? = nil,
                    since: UTCDateTime, limit: UptimePolicy.Limit, lastNotifiedAt: String? = nil, describedByEC2: Bool = true) {
            self.id = id
            self.name = name
            self.type = type
            self.region = region
            self.account = account
            self.since = since
            self.policy = InstancePolicy(limit: limit)
            self.lastNotifiedAt = lastNotifiedAt
            self.describedByEC2 = describedByEC2
        }

        /// The Name tag, `(no Name tag)`, or `(unknown)` when EC2 was not asked.
        public var displayName: String { name ?? (describedByEC2 ? "(no Name tag)" : "(unknown)") }

        /// Seconds it has run by `now`, or ran until instance-watch stopped it.
        public func uptimeSeconds(at now: UTCDateTime) -> Int {
            let end = min(now.epochSeconds, stoppedAt?.epochSeconds ?? now.epochSeconds)
            return max(0, end - since.epochSeconds)
        }
    }

    /// What `AUTO_STOP` did about an instance.
    public enum StopOutcome: Sendable, Equatable {
        /// Stopped by instance-watch after this many seconds (the tag's value).
        case stopped(after: Int)
        /// `AUTO_STOP=dry-run`: would have been stopped.
        case wouldStop(after: Int)
        /// EC2 refused; not asked again until the instance starts anew.
        case refused(reason: String)
        /// The stop call failed (throttled, unreachable): tried again next run.
        case failed(reason: String)
        /// Due, but not stopped this run (the run's cap, or the instance changed since the check).
        case heldBack(reason: String)
        /// Due by its tag, but never stopped: something else manages it.
        case notStoppable(reason: String)
    }

    /// Shared by copies until one of them writes: only a uniquely held box is written in place.
    private final class Box: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<Fields, Value>) -> Value {
        get { box.fields[keyPath: keyPath] }
        set { uniqueBox().fields[keyPath: keyPath] = newValue }
    }

    public subscript<Value>(dynamicMember keyPath: KeyPath<Fields, Value>) -> Value {
        box.fields[keyPath: keyPath]
    }

    public init(id: String, name: String? = nil, type: String? = nil, region: String, account: String? = nil,
                since: UTCDateTime, limit: UptimePolicy.Limit, lastNotifiedAt: String? = nil, describedByEC2: Bool = true) {
        box = Box(Fields(id: id, name: name, type: type, region: region, account: account, since: since, limit: limit,
                         lastNotifiedAt: lastNotifiedAt, describedByEC2: describedByEC2))
    }

    public static func == (lhs: RunningInstance, rhs: RunningInstance) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    /// Snoozed at `now`: neither alerted nor stopped.
    public func isSnoozed(at now: UTCDateTime) -> Bool { box.fields.isSnoozed(at: now) }


    /// Opted in to being stopped, and has run at least that long.
    public func isDueToStop(at now: UTCDateTime) -> Bool { box.fields.isDueToStop(at: now) }

    /// Seconds it has run by `now`, or ran until instance-watch stopped it.
    public func uptimeSeconds(at now: UTCDateTime) -> Int { box.fields.uptimeSeconds(at: now) }

    /// What the record remembers of earlier runs (`Fields.remember`).
    mutating func remember(_ record: InstanceRecord) {
        uniqueBox().fields.remember(record)
    }

    /// The box, copied first when another instance shares it: the one place a write happens.
    private mutating func uniqueBox() -> Box {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
        return box
    }
}
