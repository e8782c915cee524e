import FoundationEssentials

/// Posts an Adaptive Card message to a Teams Workflows webhook; the seam tests use to see it.
public protocol TeamsPosting {
    func post(_ message: TeamsMessage, deadline: Date?) throws
}

/// Alerts in Microsoft Teams through a Workflows webhook: each alert one card, a digest one card.
public struct TeamsAlertChannel: AlertChannel {
    public let name = "Teams"
    package let poster: any TeamsPosting

    public init(poster: any TeamsPosting) {
        self.poster = poster
    }

    public func send(each alerts: [Alert], deadline: Date) -> [AlertDeliveryFailure] {
        alerts.compactMap { alert in
            AlertDeliveryFailure.unless("Teams alert for \(alert.instanceId)", ids: [alert.instanceId]) {
                try poster.post(TeamsAlertCard.message(alert), deadline: deadline)
            }
        }
    }

    public func send(digest: AlertDigest, deadline: Date) -> AlertDeliveryFailure? {
        let ids = digest.alerts.map(\.instanceId)
        return AlertDeliveryFailure.unless("Teams digest of \(AlertDeliveryFailure.listed(ids))", ids: ids) {
            try poster.post(TeamsAlertCard.message(digest), deadline: deadline)
        }
    }

    public func send(note: AlertNote, deadline: Date) -> AlertDeliveryFailure? {
        AlertDeliveryFailure.unless("Teams note \"\(note.title)\"", ids: []) {
            try poster.post(TeamsAlertCard.message(note), deadline: deadline)
        }
    }
}
