/// Where a setting of an instance came from, as alerts and the run's result name it: `tag`,
/// `account:<id>`, `ou:<id>`, `default` (the policies document's), `environment`.
public enum PolicySource: Sendable, Hashable, CustomStringConvertible {
    /// The instance's own tag (`instance-watch:max-uptime`, `instance-watch:stop-after`).
    case tag
    case account(String)
    case organizationalUnit(String)
    /// The document's `default`.
    case `default`
    /// The function's variables (`UPTIME_THRESHOLD`, `ALERT_ON`, `AUTO_STOP`, `MANAGED_INSTANCES`).
    case environment

    public var description: String {
        switch self {
        case .tag: return "tag"
        case .account(let id): return "account:\(id)"
        case .organizationalUnit(let id): return "ou:\(id)"
        case .default: return "default"
        case .environment: return "environment"
        }
    }

    /// Whether the setting came from the policies document (a stop it asks for is a policy stop:
    /// its IAM is the member's `AllowPolicyStops`, not the opt-in tag).
    public var isDocument: Bool {
        switch self {
        case .account, .organizationalUnit, .default: return true
        case .tag, .environment: return false
        }
    }
}
