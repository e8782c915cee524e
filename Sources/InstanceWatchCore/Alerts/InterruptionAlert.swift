import FoundationEssentials
import AWS
import Support

/// A Spot interruption warning or a rebalance recommendation about one instance: what is about to
/// happen to which instance, and when, as an `Alert` every channel renders.
public enum InterruptionAlert {
    /// Spot gives two minutes' notice before stopping or terminating (hibernation starts at once).
    public static let noticeSeconds = 120

    public enum Kind: Sendable, Equatable {
        case spotInterruption
        case rebalanceRecommendation
    }

    /// What a look-up found: the instance, or why there is nothing (gone, no permission, timeout).
    public enum LookUp: Sendable, Equatable {
        case found(EC2Instance)
        case failed(reason: String)
    }

    public static func alert(kind: Kind, warning: EC2Event.InterruptionWarning, lookUp: LookUp, owner: String? = nil) -> Alert {
        let instance: EC2Instance? = if case .found(let found) = lookUp { found } else { nil }
        let unknown: String = if case .failed(let reason) = lookUp { "unknown (look-up failed: \(reason))" } else { "unknown" }
        let name = instance.map { $0.name ?? "(no Name tag)" } ?? unknown
        let arn = "arn:\(AWSEnvironment.partition(ofRegion: warning.region)):ec2:\(warning.region):\(warning.account):instance/\(warning.instanceId)"
        let action = warning.action ?? "none yet (rebalance recommendation)"
        let when = whenText(kind: kind, action: warning.action, eventTime: warning.time)

        let headline: String
        switch kind {
        case .spotInterruption:
            headline = "Spot interruption: \(warning.instanceId) (\(instance?.name ?? "no Name tag")) will \(verb(warning.action)) \(when)"
        case .rebalanceRecommendation:
            headline = "Rebalance recommendation: \(warning.instanceId) (\(instance?.name ?? "no Name tag")) is at elevated risk of Spot interruption"
        }
        var facts = [
            ("Account", warning.account), ("ARN", arn), ("Instance ID", warning.instanceId), ("Name", name),
            ("Private IP", instance?.privateIPAddress ?? unknown), ("Type", instance?.type ?? unknown),
            ("Zone", instance?.availabilityZone ?? unknown), ("Lifecycle", instance.map { $0.isSpot ? "Spot" : "On-Demand" } ?? unknown),
            ("Action", action), ("When", when),
        ].map { Alert.Fact($0.0, $0.1) }
        if let owner { facts.append(Alert.Fact("Owner", owner)) }
        return Alert(
            kind: kind == .spotInterruption ? .spotInterruption : .rebalanceRecommendation, instanceId: warning.instanceId,
            name: instance?.name, account: warning.account.isEmpty ? nil : warning.account, region: warning.region, owner: owner,
            title: kind == .spotInterruption ? "Spot interruption warning" : "Rebalance recommendation",
            headline: headline, summary: headline + ".",
            subject: UptimeWording.fit(prefix: "instance-watch: \(kind == .spotInterruption ? "Spot interruption" : "rebalance recommendation") \(warning.instanceId)",
                                       name: instance?.name, suffixes: [""]),
            facts: facts, consoleURL: Alert.consoleURL(instanceId: warning.instanceId, region: warning.region),
            dated: ("event time", warning.time), uptime: nil
        )
    }

    static func whenText(kind: Kind, action: String?, eventTime: UTCDateTime) -> String {
        guard kind == .spotInterruption else { return "not scheduled" }
        if action == "hibernate" { return "now (hibernation starts without the two-minute notice)" }
        let at = UTCDateTime(epochSeconds: eventTime.epochSeconds + noticeSeconds)
        return "at \(at.extendedISO8601) (2 minutes after the warning)"
    }

    private static func verb(_ action: String?) -> String {
        switch action {
        case "stop": return "be stopped"
        case "hibernate": return "hibernate"
        default: return "be terminated"
        }
    }
}
