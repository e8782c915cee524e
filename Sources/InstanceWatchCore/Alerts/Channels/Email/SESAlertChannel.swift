import FoundationEssentials
import AWS

/// Sends an e-mail through Amazon SES; the seam tests use to see it.
public protocol EmailSending {
    func send(_ email: SESEmail, deadline: Date) throws
    /// A whole MIME message (the weekly report, with its chart inline).
    func sendRaw(_ message: String, from: String, to: [String], deadline: Date) throws
}

extension SESClient: EmailSending {
    public func send(_ email: SESEmail, deadline: Date) throws {
        _ = try sendEmail(email, deadline: deadline)
    }

    public func sendRaw(_ message: String, from: String, to: [String], deadline: Date) throws {
        _ = try sendRawEmail(message, from: from, to: to, deadline: deadline)
    }
}

/// Alerts as direct e-mail to an owner whose tag is an address (`SES_FROM_ADDRESS` set): the same
/// subject and text as the topic's e-mail, one message per alert or one digest, to that address alone.
public struct SESAlertChannel: AlertChannel {
    public let name = "SES"
    package let sender: any EmailSending
    package let from: String
    package let to: String

    public init(sender: any EmailSending, from: String, to: String) {
        self.sender = sender
        self.from = from
        self.to = to
    }

    public func send(each alerts: [Alert], deadline: Date) -> [AlertDeliveryFailure] {
        alerts.compactMap { alert in
            deliver(SESEmail(from: from, to: [to], subject: EmailAlert.subject(alert), body: EmailAlert.body(alert)), ids: [alert.instanceId], deadline: deadline)
        }
    }

    public func send(digest: AlertDigest, deadline: Date) -> AlertDeliveryFailure? {
        deliver(SESEmail(from: from, to: [to], subject: EmailAlert.subject(digest), body: EmailAlert.body(digest)),
                ids: digest.alerts.map(\.instanceId), deadline: deadline)
    }

    /// An owner's own address is never the default destination.
    public func send(note: AlertNote, deadline: Date) -> AlertDeliveryFailure? { nil }

    private func deliver(_ email: SESEmail, ids: [String], deadline: Date) -> AlertDeliveryFailure? {
        // The address is the owner's, said elsewhere; the error is SES's.
        AlertDeliveryFailure.unless("SES e-mail for \(AlertDeliveryFailure.listed(ids))", ids: ids) { try sender.send(email, deadline: deadline) }
    }
}
