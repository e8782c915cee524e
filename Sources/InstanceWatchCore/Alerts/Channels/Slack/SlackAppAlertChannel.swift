import FoundationEssentials
import AWS
import Support

/// Keeps where an instance's alert was posted, so the product can update it in place later.
public protocol SlackMessageLedger {
    func notePosted(instanceId: String, channel: String, ts: String, deadline: Date?) throws(AWSClientError)
    /// The alert at `ts` was closed: forget it (unless a newer alert has been noted since).
    func forgetPosted(instanceId: String, ts: String, deadline: Date?) throws(AWSClientError)
    /// A digest with actions listed the instance (its newest such digest).
    func noteDigest(instanceId: String, channel: String, ts: String, deadline: Date?) throws(AWSClientError)
    /// The digest at `ts` was closed: forget it (unless a newer digest has been noted since).
    func forgetDigest(instanceId: String, ts: String, deadline: Date?) throws(AWSClientError)
}

/// Alerts in Slack as the app (`SLACK_BOT_TOKEN`): `chat.postMessage` to a channel, an uptime alert
/// with the buttons Snooze 1 day, Snooze 1 week and (with `SLACK_STOP=on`) Stop now, and a digest
/// with the same actions in a menu beside each instance; the SlackActionHandler takes the clicks.
/// Each alert's channel and `ts` are kept on its record.
public struct SlackAppAlertChannel: AlertChannel {
    public let name = "Slack"
    package let api: SlackAPIClient
    package let channel: String
    let offersStop: Bool
    let ledger: (any SlackMessageLedger)?

    public init(api: SlackAPIClient, channel: String, offersStop: Bool, ledger: (any SlackMessageLedger)?) {
        self.api = api
        self.channel = channel
        self.offersStop = offersStop
        self.ledger = ledger
    }

    /// The actions an uptime alert offers: none for a stop's announcement; Stop now only with
    /// `SLACK_STOP=on` and never for a managed instance.
    static func actions(_ alert: Alert, offersStop: Bool) -> [SlackButtonAction] {
        guard let uptime = alert.uptime, alert.kind != .stopped else { return [] }
        return [.snoozeDay, .snoozeWeek] + (offersStop && uptime.manager == nil ? [.stopNow] : [])
    }

    static func value(_ alert: Alert) -> SlackButtonValue {
        SlackButtonValue(instanceId: alert.instanceId, account: alert.account, region: alert.region, runStartedAt: alert.uptime?.since.epochSeconds)
    }

    /// The alert with its buttons: the console link, then (for an uptime alert) the actions.
    static func message(_ alert: Alert, offersStop: Bool) -> SlackMessage {
        var message = SlackAlertMessage.message(alert, channel: nil)
        let actions = actions(alert, offersStop: offersStop)
        guard !actions.isEmpty, var attachment = message.attachments.first else { return message }
        let value = value(alert).encoded
        let buttons: [SlackMessage.Block.ActionButton] = [.link("Open in the EC2 console", url: alert.consoleURL)] + actions.map { action in
            .action(action.label, id: action.rawValue, value: value, style: action == .stopNow ? "danger" : nil)
        }
        attachment.blocks = attachment.blocks.map { block in
            if case .button = block { return .actions(buttons) }
            return block
        }
        message.attachments = [attachment]
        return message
    }

    public func send(each alerts: [Alert], deadline: Date) -> [AlertDeliveryFailure] {
        alerts.compactMap { alert in
            AlertDeliveryFailure.unless("Slack alert for \(alert.instanceId)", ids: [alert.instanceId]) {
                let posted = try api.postMessage(Self.message(alert, offersStop: offersStop), channel: channel, deadline: deadline)
                // Only an alert with buttons is kept: a stop's announcement has nothing to close.
                if !Self.actions(alert, offersStop: offersStop).isEmpty, let ledger, !posted.ts.isEmpty {
                    // The alert went out; a record that cannot note it only loses the in-place update.
                    try? ledger.notePosted(instanceId: alert.instanceId, channel: posted.channel, ts: posted.ts, deadline: deadline)
                }
            }
        }
    }

    /// The digest with a menu of the same actions beside each instance.
    static func message(_ digest: AlertDigest, offersStop: Bool) -> SlackMessage {
        SlackAlertMessage.message(digest, channel: nil) { alert in
            let actions = actions(alert, offersStop: offersStop)
            guard actions.count >= 2 else { return nil }
            let value = value(alert)
            return SlackMessage.Block.Menu(actionId: SlackButtonAction.digestMenuId, options: actions.map { ($0.label, $0.menuValue(value)) })
        }
    }

    public func send(digest: AlertDigest, deadline: Date) -> AlertDeliveryFailure? {
        let ids = digest.alerts.map(\.instanceId)
        return AlertDeliveryFailure.unless("Slack digest of \(AlertDeliveryFailure.listed(ids))", ids: ids) {
            let posted = try api.postMessage(Self.message(digest, offersStop: offersStop), channel: channel, deadline: deadline)
            // Each instance offered actions in it remembers the digest, so that the digest is closed in
            // place once nothing in it can be acted on (the digest went out; a record that cannot
            // note it only loses that).
            guard let ledger, !posted.ts.isEmpty else { return }
            for alert in digest.alerts where Self.actions(alert, offersStop: offersStop).count >= 2 {
                try? ledger.noteDigest(instanceId: alert.instanceId, channel: posted.channel, ts: posted.ts, deadline: deadline)
            }
        }
    }

    public func send(note: AlertNote, deadline: Date) -> AlertDeliveryFailure? {
        AlertDeliveryFailure.unless("Slack note \"\(note.title)\"", ids: []) {
            _ = try api.postMessage(SlackAlertMessage.message(note, channel: nil), channel: channel, deadline: deadline)
        }
    }
}

extension DynamoDBUptimeTable: SlackMessageLedger {
    public func notePosted(instanceId: String, channel: String, ts: String, deadline: Date?) throws(AWSClientError) {
        // Without a record (never recorded), there is nothing to update later.
        try updateRecorded(instanceId, DynamoDBExpression("SET slack_channel = :channel, slack_ts = :ts",
                                                          values: [":channel": .s(channel), ":ts": .s(ts)]), deadline: deadline)
    }

    public func forgetPosted(instanceId: String, ts: String, deadline: Date?) throws(AWSClientError) {
        // A newer alert posted since (the instance ran again) stays.
        try remove("slack_channel, slack_ts", of: instanceId, while: "slack_ts", is: ts, deadline: deadline)
    }

    public func noteDigest(instanceId: String, channel: String, ts: String, deadline: Date?) throws(AWSClientError) {
        try updateRecorded(instanceId, DynamoDBExpression("SET digest_channel = :channel, digest_ts = :ts",
                                                          values: [":channel": .s(channel), ":ts": .s(ts)]), deadline: deadline)
    }

    public func forgetDigest(instanceId: String, ts: String, deadline: Date?) throws(AWSClientError) {
        try remove("digest_channel, digest_ts", of: instanceId, while: "digest_ts", is: ts, deadline: deadline)
    }
}
