import Foundation
@testable import InstanceWatchCore
@testable import UptimeChecking
@testable import AWS
@testable import Support

// What the tests have always called each channel's rendering of an uptime instance or a Spot
// warning, written here in terms of the alert model and the channels' renderers (test conveniences:
// the product builds an `Alert` once and hands it to every channel).

/// The Slack form of uptime alerts.
enum UptimeAlert {
    static let color = SlackAlertMessage.uptimeColor
    static let maximumBlocks = SlackAlertMessage.maximumBlocks

    static func message(for instance: RunningInstance, now: UTCDateTime, channel: String?) -> SlackMessage {
        SlackAlertMessage.message(Alert.uptime(instance, now: now), channel: channel)
    }

    static func digest(_ overdue: [RunningInstance], now: UTCDateTime, channel: String?) -> SlackMessage {
        SlackAlertMessage.message(AlertDigest.uptime(overdue, now: now), channel: channel)
    }
}

/// The e-mail form of uptime alerts.
enum UptimeNotice {
    static let subjectLimit = UptimeWording.subjectLimit
    static let digestListLimit = EmailAlert.digestListLimit

    static func subject(for instance: RunningInstance, now: UTCDateTime) -> String { EmailAlert.subject(Alert.uptime(instance, now: now)) }
    static func body(for instance: RunningInstance, now: UTCDateTime) -> String { EmailAlert.body(Alert.uptime(instance, now: now)) }
    static func digestSubject(_ overdue: [RunningInstance], now: UTCDateTime) -> String { EmailAlert.subject(AlertDigest.uptime(overdue, now: now)) }
    static func digestBody(_ overdue: [RunningInstance], now: UTCDateTime) -> String { EmailAlert.body(AlertDigest.uptime(overdue, now: now)) }
    static func uptime(_ instance: RunningInstance, _ now: UTCDateTime) -> String { UptimeWording.uptime(instance, now) }
    static func asciiLine(_ text: String) -> String { UptimeWording.asciiLine(text) }
}

/// The Slack form of Spot and rebalance warnings.
extension InterruptionAlert {
    static let spotColor = SlackAlertMessage.spotColor
    static let rebalanceColor = SlackAlertMessage.rebalanceColor

    static func message(kind: Kind, warning: EC2Event.InterruptionWarning, lookUp: LookUp, channel: String?) -> SlackMessage {
        SlackAlertMessage.message(alert(kind: kind, warning: warning, lookUp: lookUp), channel: channel)
    }

    static func consoleURL(instanceId: String, region: String) -> String { Alert.consoleURL(instanceId: instanceId, region: region) }
}

extension UptimeCheckHandler {
    /// The routes the handler tests fake: an SNS publisher for the topic and a Slack poster for the default destination.
    static func channels(sns: (publisher: any TopicPublishing, topicArn: String)?, slack: (any SlackPosting)?) -> AlertRoutes {
        AlertRoutes(topic: sns.map { SNSAlertChannel(publisher: $0.publisher, topicArn: $0.topicArn) },
                    fallback: slack.map { [SlackAlertChannel(poster: $0, channel: nil)] } ?? [])
    }
}
