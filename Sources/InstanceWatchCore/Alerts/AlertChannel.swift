import FoundationEssentials

/// A place alerts go (an SNS topic, a Slack webhook, a Teams webhook): each channel renders the
/// alert model its own way, in its own folder under `Channels/`, and is registered in one place
/// (`AlertChannels`). The checker and the StateChangeHandler only see this.
public protocol AlertChannel {
    /// `SNS`, `Slack`, `Teams`: for messages and logs.
    var name: String { get }
    /// One message per alert. Returns what was not delivered, and why.
    func send(each alerts: [Alert], deadline: Date) -> [AlertDeliveryFailure]
    /// One message for the run; nil when it was delivered.
    func send(digest: AlertDigest, deadline: Date) -> AlertDeliveryFailure?
    /// A note for the default destination (the run's routing summary); nil when it was delivered.
    /// The SNS topic, which gets every alert itself, takes none.
    func send(note: AlertNote, deadline: Date) -> AlertDeliveryFailure?
}

/// Alerts a channel did not take, with a reason an operator can act on (never a secret).
public struct AlertDeliveryFailure: Error, CustomStringConvertible {
    /// The instances whose alert did not go out.
    public var instanceIds: [String]
    public var description: String
    /// What the channel met, for an invocation that fails with it (its type names the failure).
    public var underlying: any Error
    /// The channel's name (`Slack`), filled in by whoever sent through it.
    public var channel: String?

    public init(instanceIds: [String], description: String, underlying: any Error) {
        self.instanceIds = instanceIds
        self.description = description
        self.underlying = underlying
    }

    /// Runs one delivery: nil when it went out, else what it met, as "`what` not delivered: …".
    /// - Parameter what: `Slack digest of i-1, i-2`: the message, in the words of the failure.
    public static func unless(_ what: @autoclosure () -> String, ids: [String], _ deliver: () throws -> Void) -> AlertDeliveryFailure? {
        do {
            try deliver()
            return nil
        } catch {
            return AlertDeliveryFailure(instanceIds: ids, description: "\(what()) not delivered: \(error)", underlying: error)
        }
    }

    /// Ids for a message: which instances an operator should look at, without a page of them.
    public static func listed(_ ids: [String]) -> String {
        ids.prefix(5).joined(separator: ", ") + (ids.count > 5 ? " and \(ids.count - 5) more" : "")
    }
}

/// A channel's answer that it did not take an alert (a batch entry refused), as an error.
public struct AlertRefused: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}
