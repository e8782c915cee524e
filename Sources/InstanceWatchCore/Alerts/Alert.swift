import FoundationEssentials
import AWS
import Support

/// One alert about one instance, its facts held once: what every channel (e-mail, Slack, Teams)
/// renders in its own way. Every text here is plain: a channel escapes what its format needs.
public struct Alert: Sendable, Equatable {
    /// What happened; channels colour or label it, and SNS subscribers filter on it.
    public enum Kind: String, Sendable, Equatable {
        /// Running longer than allowed.
        case overdue
        /// Stopped by instance-watch (`AUTO_STOP=on`).
        case stopped
        /// Due to be stopped, but held back (the run's cap, busy, changed since the check).
        case held
        case spotInterruption = "spot-warning"
        case rebalanceRecommendation = "rebalance-recommendation"
    }

    /// One labelled fact (`Running for`: `7h`).
    public struct Fact: Sendable, Equatable {
        public var label: String
        public var value: String

        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    public var kind: Kind
    public var instanceId: String
    /// The Name tag as the instance has it; nil when it has none or it is unknown.
    public var name: String?
    public var account: String?
    public var region: String
    /// Who owns the instance (`Ownership`), as the tag or the routes name them; nil: nobody named.
    public var owner: String?
    /// Set when the owner's destination did not take the alert and it went to the default
    /// destination instead: why, in words an operator can act on (never a secret).
    public var undeliveredToOwner: String?
    /// A short title: `Instance running too long`.
    public var title: String
    /// One line for notifications: `Running too long: i-… (web) for 7h, limit 6h`.
    public var headline: String
    /// The same as a sentence, for the top of a longer message.
    public var summary: String
    /// At most 100 characters of printable ASCII (an e-mail subject, a notification title).
    public var subject: String
    /// The facts, in the order a person reads them.
    public var facts: [Fact]
    /// The instance in the EC2 console of its region.
    public var consoleURL: String
    /// What the alert is dated by: the check's own clock, or the event's time.
    public var dated: (label: String, time: UTCDateTime)
    /// For an uptime alert, what a digest line says about it.
    public var uptime: Uptime?

    /// What a digest shows of an overdue instance.
    public struct Uptime: Sendable, Equatable {
        public var displayName: String
        public var type: String?
        public var since: UTCDateTime
        public var runningFor: String
        public var limit: String
        public var cost: String?
        public var autoStop: String?
        public var activity: String?
        /// What manages (and would replace) it: such an instance is offered no Stop now.
        public var manager: String?
    }

    public static func == (lhs: Alert, rhs: Alert) -> Bool {
        lhs.kind == rhs.kind && lhs.instanceId == rhs.instanceId && lhs.name == rhs.name && lhs.account == rhs.account
            && lhs.owner == rhs.owner && lhs.undeliveredToOwner == rhs.undeliveredToOwner
            && lhs.region == rhs.region && lhs.title == rhs.title && lhs.headline == rhs.headline && lhs.summary == rhs.summary
            && lhs.subject == rhs.subject && lhs.facts == rhs.facts && lhs.consoleURL == rhs.consoleURL
            && lhs.dated.label == rhs.dated.label && lhs.dated.time == rhs.dated.time && lhs.uptime == rhs.uptime
    }

    /// The same alert for the default destination, after the owner's did not take it: it says so first.
    public func fallingBack(reason: String) -> Alert {
        var alert = self
        alert.undeliveredToOwner = reason
        let note = "Not delivered to its owner \(owner ?? "(unknown)"): \(reason)"
        alert.facts.insert(Fact("Undelivered", note), at: 0)
        alert.headline = "[undelivered to \(owner ?? "its owner")] " + headline
        return alert
    }

    /// The instance's page in the EC2 console of its own region.
    public static func consoleURL(instanceId: String, region: String) -> String {
        let region = region.isEmpty ? "us-east-1" : region
        return "https://\(region).console.aws.amazon.com/ec2/home?region=\(region)#InstanceDetails:instanceId=\(instanceId)"
    }
}

extension Alert {
    /// An uptime alert: the instance runs past its limit, or instance-watch stopped it.
    public static func uptime(_ instance: RunningInstance, now: UTCDateTime) -> Alert {
        let runningFor = UptimeWording.uptime(instance, now)
        let cost = UptimeWording.costText(instance, now)
        let autoStop = UptimeWording.stopSentence(instance)
        var facts = [
            Fact("Instance ID", instance.id), Fact("Name", instance.displayName), Fact("Type", instance.type ?? "(unknown)"),
            Fact("Region", instance.region), Fact("Account", instance.account ?? "(unknown)"),
            Fact("Running since", instance.since.extendedISO8601), Fact("Running for", runningFor), Fact("Limit", instance.limit.explained),
            Fact("Policy", "\(instance.policy.source)"),
        ]
        if let activity = instance.activity { facts.append(Fact("Activity", activity.sentence)) }
        if let cost { facts.append(Fact("Cost", cost)) }
        if let manager = instance.manager { facts.append(Fact("Managed by", manager)) }
        if let autoStop { facts.append(Fact("Auto-stop", autoStop)) }
        if let owner = instance.owner { facts.append(Fact("Owner", owner)) }
        let stoppedAfter: Int? = if case .stopped(let after)? = instance.stop { after } else { nil }
        let headline: String
        let summary: String
        let subject: String
        if let after = stoppedAfter {
            headline = "Stopped by instance-watch after \(DurationSetting.describe(seconds: after)): \(instance.id) (\(instance.displayName)), ran \(runningFor)"
            summary = "\(instance.id) (\(instance.displayName)) ran for \(runningFor) and has been stopped by instance-watch, as its \(UptimeWording.stopAsker(instance)) asked."
            subject = UptimeWording.fit(prefix: "instance-watch: \(instance.id)", name: instance.name,
                                        suffixes: [" stopped after \(runningFor) (stop-after \(DurationSetting.describe(seconds: after)))", " stopped"])
        } else {
            headline = "Running too long: \(instance.id) (\(instance.displayName)) for \(runningFor), limit \(UptimeWording.limitText(instance.limit))"
            summary = "\(instance.id) (\(instance.displayName)) has been running for \(runningFor), longer than its limit of \(instance.limit.explained)."
            subject = UptimeWording.fit(prefix: "instance-watch: \(instance.id)", name: instance.name,
                                        suffixes: [" running \(runningFor), limit \(UptimeWording.limitText(instance.limit))", " running \(runningFor)"])
        }
        let held: Bool = if case .heldBack? = instance.stop { true } else { false }
        return Alert(
            kind: stoppedAfter != nil ? .stopped : held ? .held : .overdue, instanceId: instance.id, name: instance.name, account: instance.account,
            region: instance.region, owner: instance.owner, title: "Instance running too long", headline: headline, summary: summary, subject: subject, facts: facts,
            consoleURL: consoleURL(instanceId: instance.id, region: instance.region), dated: ("check of", now),
            uptime: Uptime(displayName: instance.displayName, type: instance.type, since: instance.since, runningFor: runningFor,
                           limit: instance.limit.explained, cost: cost, autoStop: autoStop, activity: instance.activity?.sentence,
                           manager: instance.manager)
        )
    }
}
