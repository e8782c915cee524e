import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// The Slack message for a Spot interruption warning or a rebalance recommendation: what is about to
/// happen to which instance, and when, with a button to the instance in the EC2 console.
public enum InterruptionAlert {
    public static let spotColor = "#FFC300"
    /// A calmer blue: a rebalance recommendation is an early, softer signal.
    public static let rebalanceColor = "#439FE0"
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

    public static func message(kind: Kind, warning: EC2Event.InterruptionWarning, lookUp: LookUp, channel: String?) -> SlackMessage {
        let instance: EC2Instance? = if case .found(let found) = lookUp { found } else { nil }
        let unknown: String = if case .failed(let reason) = lookUp { "unknown (look-up failed: \(reason))" } else { "unknown" }
        let name = instance.map { $0.name ?? "(no Name tag)" } ?? unknown
        let arn = "arn:aws:ec2:\(warning.region):\(warning.account):instance/\(warning.instanceId)"
        let action = warning.action ?? "none yet (rebalance recommendation)"
        let when = whenText(kind: kind, action: warning.action, eventTime: warning.time)

        // The headline carries the Name tag, which anyone allowed to tag an instance writes: escaped
        // everywhere it goes (`text` and the blocks are mrkdwn; the fallback is escaped too, in case).
        let headline: String
        switch kind {
        case .spotInterruption:
            headline = "Spot interruption: \(warning.instanceId) (\(instance?.name ?? "no Name tag")) will \(verb(warning.action)) \(when)"
        case .rebalanceRecommendation:
            headline = "Rebalance recommendation: \(warning.instanceId) (\(instance?.name ?? "no Name tag")) is at elevated risk of Spot interruption"
        }
        let fields = [
            ("Account", warning.account), ("ARN", arn), ("Instance ID", warning.instanceId), ("Name", name),
            ("Private IP", instance?.privateIPAddress ?? unknown), ("Type", instance?.type ?? unknown),
            ("Zone", instance?.availabilityZone ?? unknown), ("Lifecycle", instance.map { $0.isSpot ? "Spot" : "On-Demand" } ?? unknown),
            ("Action", action), ("When", when),
        ].map { "*\($0.0)*\n\(SlackMessage.escape($0.1))" }

        return SlackMessage(
            text: SlackMessage.escape(headline), channel: channel,
            attachments: [SlackMessage.Attachment(
                color: kind == .spotInterruption ? spotColor : rebalanceColor,
                fallback: SlackMessage.escape(headline),
                blocks: [
                    .header(kind == .spotInterruption ? "Spot interruption warning" : "Rebalance recommendation"),
                    .section(SlackMessage.escape(headline)),
                    .fields(fields),
                    .button(label: "Open in the EC2 console", url: consoleURL(instanceId: warning.instanceId, region: warning.region)),
                    .context("instance-watch · event time \(warning.time.extendedISO8601)"),
                ]
            )]
        )
    }

    /// The instance's page in the EC2 console of its own region.
    public static func consoleURL(instanceId: String, region: String) -> String {
        let region = region.isEmpty ? "us-east-1" : region
        return "https://\(region).console.aws.amazon.com/ec2/home?region=\(region)#InstanceDetails:instanceId=\(instanceId)"
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
