import FoundationEssentials

/// Where alerts go, owner by owner: the channels the routes document names for each owner, an
/// owner's own address (direct e-mail through SES), the default destination for the rest, and the
/// SNS topic, which gets every alert. Built once per cold start (`AlertChannels.configured`).
public struct AlertRoutes {
    /// Who owns an instance: its owner tags, else its account's route.
    public var ownership: Ownership
    /// Every alert, with the attributes subscribers filter on; nil without `TOPIC_ARN` (and for the
    /// StateChangeHandler, whose warnings go to chat).
    public var topic: (any AlertChannel)?
    /// Owner, lower-cased → the channels of its destination.
    public var owners: [String: [any AlertChannel]]
    /// The default destination: instances without an owner, or whose owner has no route; and an
    /// owner's alerts that its destination did not take.
    public var fallback: [any AlertChannel]
    /// `SES_FROM_ADDRESS` and `SES_ALLOWED_DOMAINS` set: the channel that mails an owner whose name
    /// is an address in one of `allowedEmailDomains`.
    public var directEmail: ((String) -> any AlertChannel)?
    /// The domains an owner address must have to be mailed directly (`SES_ALLOWED_DOMAINS`).
    public var allowedEmailDomains: [String] = []
    /// What the start should say about the routes (direct e-mail left off, and why).
    public var notes: [String] = []
    /// Slack app mode, where alerts are kept: closes in place the alerts of instances that ended.
    public var endedAlerts: (any EndedAlertClosing)?

    public init(ownership: Ownership = Ownership(), topic: (any AlertChannel)? = nil, owners: [String: [any AlertChannel]] = [:],
                fallback: [any AlertChannel], directEmail: ((String) -> any AlertChannel)? = nil, endedAlerts: (any EndedAlertClosing)? = nil) {
        self.ownership = ownership
        self.topic = topic
        self.owners = owners
        self.fallback = fallback
        self.directEmail = directEmail
        self.endedAlerts = endedAlerts
    }

    /// An owner address direct e-mail would have taken but whose domain is not allowed: routed like
    /// an unowned instance, and named in the run's problems.
    public func refusedAddress(_ owner: String?) -> Bool {
        guard directEmail != nil, let owner, owners[owner.lowercased()] == nil else { return false }
        return Ownership.isEmailAddress(owner) && !Ownership.isAllowedAddress(owner, domains: allowedEmailDomains)
    }

    /// Whether any alert can go anywhere but the default destination: then the default destination
    /// also hears what went where.
    public var routesByOwner: Bool { !owners.isEmpty || directEmail != nil }

    /// No channel at all: nobody would be told.
    public var isEmpty: Bool { topic == nil && fallback.isEmpty && !routesByOwner }

    /// The owner's own destination (its route, its address), or nil for the default destination.
    public func destination(for owner: String?) -> [any AlertChannel]? {
        guard let owner else { return nil }
        var channels = owners[owner.lowercased()] ?? []
        if let directEmail, Ownership.isAllowedAddress(owner, domains: allowedEmailDomains) { channels.append(directEmail(owner)) }
        return channels.isEmpty ? nil : channels
    }

    /// The channels' names, for a log line: `SNS, Slack (default), 2 owners' destinations`.
    public var described: String {
        var parts = (topic.map { [$0.name] } ?? []) + fallback.map { "\($0.name) (default)" }
        if !owners.isEmpty { parts.append(owners.count == 1 ? "1 owner's destination" : "\(owners.count) owners' destinations") }
        if directEmail != nil { parts.append("SES to owners' addresses in \(allowedEmailDomains.joined(separator: ", "))") }
        return (parts.isEmpty ? "no channel" : parts.joined(separator: ", ")) + notes.map { "; " + $0 }.joined()
    }
}
