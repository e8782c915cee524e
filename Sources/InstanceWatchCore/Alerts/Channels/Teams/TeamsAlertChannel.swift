import FoundationEssentials

/// Posts an Adaptive Card message to a Teams Workflows webhook; the seam tests use to see it.
public protocol TeamsPosting {
    func post(_ message: TeamsMessage, deadline: Date?) throws
}

/// Alerts in Microsoft Teams through a Workflows webhook: each alert one card, a digest one card.
public struct TeamsAlertChannel: AlertChannel {
    public let name = "Teams"
    let poster: any TeamsPosting

    public init(poster: any TeamsPosting) {
        self.poster = poster
    }

    public func send(each alerts: [Alert], deadline: Date) -> [AlertDeliveryFailure] {
        alerts.compactMap { alert in
            do {
                try poster.post(TeamsAlertCard.message(alert), deadline: deadline)
                return nil
            } catch {
                return AlertDeliveryFailure(instanceIds: [alert.instanceId], description: "Teams alert for \(alert.instanceId) not delivered: \(error)", underlying: error)
            }
        }
    }

    public func send(digest: AlertDigest, deadline: Date) -> AlertDeliveryFailure? {
        do {
            try poster.post(TeamsAlertCard.message(digest), deadline: deadline)
            return nil
        } catch {
            let ids = digest.alerts.map(\.instanceId)
            return AlertDeliveryFailure(instanceIds: ids, description: "Teams digest of \(AlertDeliveryFailure.listed(ids)) not delivered: \(error)", underlying: error)
        }
    }

    public func send(note: AlertNote, deadline: Date) -> AlertDeliveryFailure? {
        do {
            try poster.post(TeamsAlertCard.message(note), deadline: deadline)
            return nil
        } catch {
            return AlertDeliveryFailure(instanceIds: [], description: "Teams note \"\(note.title)\" not delivered: \(error)", underlying: error)
        }
    }
}
