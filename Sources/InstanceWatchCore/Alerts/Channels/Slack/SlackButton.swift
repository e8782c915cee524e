import FoundationEssentials
import Support

/// The buttons of an alert in Slack app mode, as the alert offers them and the SlackActionHandler
/// takes them back: each one's `action_id`, and the value it carries.
public enum SlackButtonAction: String, Sendable, CaseIterable {
    case snoozeDay = "snooze_1d"
    case snoozeWeek = "snooze_1w"
    case stopNow = "stop_now"

    public var label: String {
        switch self {
        case .snoozeDay: return "Snooze 1 day"
        case .snoozeWeek: return "Snooze 1 week"
        case .stopNow: return "Stop now"
        }
    }

    /// The `action_id` of the menu beside each instance of a digest, whose options carry
    /// `<action> <value>` (`snooze_1d {"i":…}`): a menu has one action id for all its options.
    public static let digestMenuId = "instance_actions"

    /// The value of a digest menu's option.
    public func menuValue(_ value: SlackButtonValue) -> String { "\(rawValue) \(value.encoded)" }
}

/// What a button carries: the instance, the account and region the alert named, and the run the
/// alert was about (when that run started, epoch seconds). It is checked against the table before
/// anything is done: a value is only a claim, and a button of an old run never acts on a new one.
public struct SlackButtonValue: Codable, Sendable, Equatable {
    public var instanceId: String
    public var account: String?
    public var region: String
    /// The start of the instance's run the alert was about; nil only in buttons made before runs
    /// were named, which are refused.
    public var runStartedAt: Int?

    enum CodingKeys: String, CodingKey {
        case instanceId = "i", account = "a", region = "r", runStartedAt = "s"
    }

    public init(instanceId: String, account: String?, region: String, runStartedAt: Int?) {
        self.instanceId = instanceId
        self.account = account
        self.region = region
        self.runStartedAt = runStartedAt
    }

    public var encoded: String {
        var writer = JSONWriter(capacity: 112)
        writer.beginObject()
        writer.key("i"); writer.string(instanceId)
        if let account { writer.key("a"); writer.string(account) }
        writer.key("r"); writer.string(region)
        if let runStartedAt { writer.key("s"); writer.integer(runStartedAt) }
        writer.endObject()
        return writer.text
    }

    public static func decode(_ text: String) -> SlackButtonValue? {
        guard text.utf8.count <= 2000, let value = try? JSONDecoder().decode(SlackButtonValue.self, from: Data(text.utf8)),
              value.instanceId.hasPrefix("i-"), value.instanceId.utf8.count <= 32,
              value.instanceId.dropFirst(2).allSatisfy({ $0.isHexDigit })
        else { return nil }
        return value
    }
}
