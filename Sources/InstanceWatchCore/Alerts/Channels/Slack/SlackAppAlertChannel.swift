import FoundationEssentials
import AWS
import Support

/// Keeps where an instance's alert was posted, so the product can update it in place later.
public protocol SlackMessageLedger {
    func notePosted(instanceId: String, channel: String, ts: String, deadline: Date?) throws(AWSClientError)
    /// The alert at `ts` was closed: forget it (unless a newer alert has been noted since).
    func forgetPosted(instanceId: String, ts: String, deadline: Date?) throws(AWSClientError)
}

/// Alerts in Slack as the app (`SLACK_BOT_TOKEN`): `chat.postMessage` to a channel, an uptime alert
/// with the buttons Snooze 1 day, Snooze 1 week and (with `SLACK_STOP=on`) Stop now, whose clicks
/// the SlackActionHandler takes. Each alert's channel and `ts` are kept on its record.
public struct SlackAppAlertChannel: AlertChannel {
    public let name = "Slack"
    let api: SlackAPIClient
    let channel: String
    let offersStop: Bool
    let ledger: (any SlackMessageLedger)?

    public init(api: SlackAPIClient, channel: String, offersStop: Bool, ledger: (any SlackMessageLedger)?) {
        self.api = api
        self.channel = channel
        self.offersStop = offersStop
        self.ledger = ledger
    }

    /// The alert with its buttons: the console link, then (for an uptime alert) the actions.
    static func message(_ alert: Alert, offersStop: Bool) -> SlackMessage {
        var message = SlackAlertMessage.message(alert, channel: nil)
        guard let uptime = alert.uptime, alert.kind != .stopped, var attachment = message.attachments.first else { return message }
        let value = SlackButtonValue(instanceId: alert.instanceId, account: alert.account, region: alert.region).encoded
        var buttons: [SlackMessage.Block.ActionButton] = [
            .link("Open in the EC2 console", url: alert.consoleURL),
            .action("Snooze 1 day", id: SlackButtonAction.snoozeDay.rawValue, value: value),
            .action("Snooze 1 week", id: SlackButtonAction.snoozeWeek.rawValue, value: value),
        ]
        if offersStop && uptime.manager == nil {
            buttons.append(.action("Stop now", id: SlackButtonAction.stopNow.rawValue, value: value, style: "danger"))
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
                if alert.uptime != nil, alert.kind != .stopped, let ledger, !posted.ts.isEmpty {
                    // The alert went out; a record that cannot note it only loses the in-place update.
                    try? ledger.notePosted(instanceId: alert.instanceId, channel: posted.channel, ts: posted.ts, deadline: deadline)
                }
            }
        }
    }

    public func send(digest: AlertDigest, deadline: Date) -> AlertDeliveryFailure? {
        let ids = digest.alerts.map(\.instanceId)
        return AlertDeliveryFailure.unless("Slack digest of \(AlertDeliveryFailure.listed(ids))", ids: ids) {
            _ = try api.postMessage(SlackAlertMessage.message(digest, channel: nil), channel: channel, deadline: deadline)
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
}
