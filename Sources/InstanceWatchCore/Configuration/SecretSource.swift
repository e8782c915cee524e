import FoundationEssentials
import AWS
import Support

/// A secret that is not a URL (the Slack bot token, the signing secret): the value itself, for local
/// runs, or an SSM SecureString holding it, read once per cold start. Never described, logged or
/// put in an error.
public enum SecretSource: Sendable, Equatable, CustomStringConvertible {
    case value(String)
    case ssmParameter(String)

    /// Lambda gives a cold start's initialisation 10 s; the look-ups keep 2 of them to report a failure.
    public static let lookUpBudget: TimeInterval = 8

    /// The deadline every look-up of one cold start shares (they run one after another: each with
    /// a budget of its own, four slow ones would outlast the initialisation and its error report).
    public static func lookUpDeadline(from start: Date = Date()) -> Date { start.addingTimeInterval(lookUpBudget) }

    public var description: String {
        switch self {
        case .value: return "a value (<redacted>)"
        case .ssmParameter(let name): return "SSM parameter \(name)"
        }
    }

    public func resolve(ssm: SSMClient, deadline: Date) throws -> String {
        switch self {
        case .value(let value):
            return value
        case .ssmParameter(let name):
            return try ssm.getParameter(name: name, withDecryption: true, deadline: deadline)
                .trimmingWhitespace()
        }
    }
}
